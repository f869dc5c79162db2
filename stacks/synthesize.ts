import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { catalogue } from "@vigil/core";
import { Stack } from "aws-cdk-lib";
import type { CfnFunction } from "aws-cdk-lib/aws-lambda";
import { App, Function } from "sst/constructs";
import { useProject } from "sst/project.js";
import sstConfig from "../sst.config.ts";
import { setStageConfig } from "./appConfig.ts";
import { HOME_REGION } from "./home.ts";
import { spokeStackName } from "./organization/names.ts";
import { synthesizeSpokeTemplate } from "./organization/spokeTemplate.ts";
import { loadStageConfig, type StageConfig } from "./stageConfig.ts";

export interface SynthesizedStack {
  stackName: string;
  region: string;
  /** The CloudFormation template, as `sst deploy` would submit it (function code aside). */
  template: Record<string, unknown>;
  /** The handler path of each SST function, by its logical id: the template only has SST's placeholder code. */
  handlers: Record<string, string>;
}

/** A stage's spoke: one template for every account and region of the organization. */
export interface SynthesizedSpoke {
  /** `vigil-<stage>-spoke`: the StackSet's name, and the management account's stack's. */
  stackName: string;
  template: Record<string, unknown>;
}

export interface SynthesizeOptions {
  stage: string;
  /** A 12-digit account id stands in for the one `sst deploy` reads from your credentials. */
  account: string;
  /** Instead of `config/<stage>.json`. */
  config?: StageConfig;
}

/**
 * Synthesizes a stage offline, the way `sst deploy` builds it once per region: the monitor in the
 * home region and a forwarder in each forwarder region, each from sst.config.ts. Needs
 * `initProject` from sst/project.js first. Functions get SST's placeholder code (nothing is built
 * or bundled), which leaves every template exactly as deployed otherwise.
 */
export async function synthesizeStage(options: SynthesizeOptions): Promise<SynthesizedStack[]> {
  const { stage, account } = options;
  const config = configOf(options);
  const { name } = await sstConfig.config();
  const stacks: SynthesizedStack[] = [];
  for (const region of [HOME_REGION, ...config.forwarderRegions]) {
    const outdir = mkdtempSync(join(tmpdir(), "vigil-synth-"));
    try {
      const app = new App({ mode: "deploy", name, stage, region, account }, { outdir });
      setStageConfig(app, config);
      await sstConfig.stacks(app);
      const handlers = new Map<string, Record<string, string>>();
      for (const fn of app.node.findAll().filter((node): node is Function => node instanceof Function)) {
        const stack = Stack.of(fn);
        const byId = handlers.get(stack.stackName) ?? {};
        byId[stack.getLogicalId(fn.node.defaultChild as CfnFunction)] = fn.getConstructMetadata().data.handler ?? "";
        handlers.set(stack.stackName, byId);
      }
      for (const artifact of app.synth().stacks) {
        const template = artifact.template as Record<string, unknown>;
        stacks.push({ stackName: artifact.stackName, region, template, handlers: handlers.get(artifact.stackName) ?? {} });
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  }
  return stacks;
}

/**
 * The spoke template of a stage in organization mode, exactly as the home stack's StackSet carries
 * it; undefined for a stage of one account. It names no account: the home account comes from its
 * PostureRoleArn parameter.
 */
export function synthesizeSpoke(options: Omit<SynthesizeOptions, "account">): SynthesizedSpoke | undefined {
  const config = configOf(options);
  if (!config.organization) return undefined;
  return { stackName: spokeStackName(options.stage), template: synthesizeSpokeTemplate(config, config.organization) };
}

function configOf(options: Pick<SynthesizeOptions, "stage" | "config">): StageConfig {
  return options.config ?? loadStageConfig(join(useProject().paths.root, "config"), options.stage, catalogue);
}

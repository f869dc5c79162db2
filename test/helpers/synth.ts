import { mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { Template } from "aws-cdk-lib/assertions";
import { initProject, useProject } from "sst/project.js";
import { HOME_REGION } from "../../stacks/home.ts";
import type { StageConfig } from "../../stacks/stageConfig.ts";
import { type SynthesizedStack, synthesizeStage } from "../../stacks/synthesize.ts";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The account of the fixtures, so synthesized ARNs and CloudTrail records agree. */
export const TEST_ACCOUNT = "111122223333";

export interface SynthesizedTemplates {
  stage: string;
  /** The monitor, in the home region. */
  home: Template;
  /** The forwarders, by region. */
  forwarders: ReadonlyMap<string, Template>;
  /** Every stack, with its raw template. */
  stacks: readonly SynthesizedStack[];
}

const LOCK_STALE_MS = 30_000;

/**
 * initProject bundles sst.config.ts to `.sst.config.<Date.now()>.mjs` in the working directory,
 * imports it and deletes it: two vitest workers starting in the same millisecond would delete each
 * other's file. A directory created with mkdir is the lock, since mkdir either creates or fails.
 */
async function withInitLock<T>(work: () => Promise<T>): Promise<T> {
  const sst = join(REPO, ".sst");
  mkdirSync(sst, { recursive: true });
  const lock = join(sst, "test-init.lock");
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      try {
        if (Date.now() - statSync(lock).mtimeMs > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true });
      } catch {
        // Released between the mkdir and the stat: try again.
      }
      await sleep(20);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Synthesizes every stack of a stage offline. Each call synthesizes anew: call it once per test file (in beforeAll). */
export async function synthesizeForTest(stage: string, options: { config?: StageConfig } = {}): Promise<SynthesizedTemplates> {
  const stacks = await withTestProject(stage, () => synthesizeStage({ stage, account: TEST_ACCOUNT, ...options }));
  const home = stacks.find((stack) => stack.region === HOME_REGION);
  if (!home) throw new Error(`stage ${stage}: no stack in ${HOME_REGION}`);
  return {
    stage,
    home: Template.fromJSON(home.template),
    forwarders: new Map(stacks.filter((stack) => stack !== home).map((stack) => [stack.region, Template.fromJSON(stack.template)])),
    stacks,
  };
}

/**
 * Runs `work` with SST's project initialized for a stage, as `sst deploy --stage` does, so that it
 * can create SST Apps. An App rewrites `.sst/types` when it is created, which would race between
 * workers, so SST writes to a scratch directory of this call's own instead.
 */
export async function withTestProject<T>(stage: string, work: () => Promise<T>): Promise<T> {
  await withInitLock(() => initProject({ stage, root: REPO }));
  const scratch = mkdtempSync(join(tmpdir(), "vigil-sst-"));
  const project = useProject();
  const out = project.paths.out;
  project.paths.out = scratch;
  try {
    return await work();
  } finally {
    project.paths.out = out;
    rmSync(scratch, { recursive: true, force: true });
  }
}

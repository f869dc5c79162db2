import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "aws-cdk-lib";
import { SpokeTemplateError } from "../errors.ts";
import type { OrganizationStageSettings, StageConfig } from "../stageConfig.ts";
import { createSpokeStack } from "./spokeStack.ts";

/** CloudFormation takes a TemplateBody (a StackSet's, or `aws cloudformation deploy`'s without a bucket) of at most this many bytes. */
export const MAX_TEMPLATE_BODY_BYTES = 51_200;

/**
 * The spoke's CloudFormation template, synthesized offline in an App of its own: the home stack
 * embeds it in the StackSet, and `npm run synth` writes it for the management account's stack.
 * A template too large for a TemplateBody fails here, at synthesis, not halfway through a deploy.
 */
export function synthesizeSpokeTemplate(config: StageConfig, organization: OrganizationStageSettings): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), "vigil-spoke-"));
  try {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = createSpokeStack(app, config, organization);
    const template = app.synth().getStackArtifact(stack.artifactId).template as Record<string, unknown>;
    const bytes = Buffer.byteLength(JSON.stringify(template));
    if (bytes > MAX_TEMPLATE_BODY_BYTES) {
      throw new SpokeTemplateError(
        `config/${config.stage}.json: the spoke template is ${bytes} bytes, over CloudFormation's TemplateBody limit of ${MAX_TEMPLATE_BODY_BYTES}: enable fewer rules or shorten their selectors`,
      );
    }
    return template;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

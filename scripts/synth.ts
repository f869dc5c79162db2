// Writes every stack's CloudFormation template to cdk.out/ for review, offline: no AWS credentials, no bundling.
// A stage in organization mode also gets its spoke template, cdk.out/vigil-<stage>-spoke.template.json: the
// StackSet's, and the one the management account deploys by hand (README, "Organization mode").
// Usage: npm run synth [-- --stage prod] [-- --account 123456789012]
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parseArgs } from "node:util";

const root = join(import.meta.dirname, "..");
const { values } = parseArgs({
  options: {
    stage: { type: "string", default: "prod" },
    // Stands in for the account `sst deploy` reads from your credentials; it only shows up in ARNs.
    account: { type: "string", default: process.env.CDK_DEFAULT_ACCOUNT ?? "111122223333" },
  },
});
if (!/^\d{12}$/.test(values.account)) {
  console.error(`--account: expected a 12-digit AWS account id, got "${values.account}"`);
  process.exit(2);
}

// SST loads the AWS SDK v2, whose end-of-support notice says nothing about this offline run.
process.env.AWS_SDK_JS_SUPPRESS_MAINTENANCE_MODE_MESSAGE ??= "1";
const { initProject } = await import("sst/project.js");
const { synthesizeSpoke, synthesizeStage } = await import("../stacks/synthesize.ts");

await initProject({ stage: values.stage, root });
const stacks = await synthesizeStage({ stage: values.stage, account: values.account });
const spoke = synthesizeSpoke({ stage: values.stage });
const out = join(root, "cdk.out");
mkdirSync(out, { recursive: true });
const files: [string, unknown][] = stacks.map((stack) => [`${stack.stackName}.${stack.region}.template.json`, stack.template]);
// Deployed in every region of the stage, under the one name: no region in its file name.
if (spoke) files.push([`${spoke.stackName}.template.json`, spoke.template]);
for (const [name, template] of files) {
  const file = join(out, name);
  writeFileSync(file, `${JSON.stringify(template, null, 2)}\n`);
  console.log(relative(root, file));
}

// Writes every stack's CloudFormation template to cdk.out/ for review, offline: no AWS credentials, no bundling.
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
const { synthesizeStage } = await import("../stacks/synthesize.ts");

await initProject({ stage: values.stage, root });
const stacks = await synthesizeStage({ stage: values.stage, account: values.account });
const out = join(root, "cdk.out");
mkdirSync(out, { recursive: true });
for (const stack of stacks) {
  const file = join(out, `${stack.stackName}.${stack.region}.template.json`);
  writeFileSync(file, `${JSON.stringify(stack.template, null, 2)}\n`);
  console.log(relative(root, file));
}

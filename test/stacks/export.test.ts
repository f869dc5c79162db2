import { catalogue, severityRank } from "@vigil/core";
import { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { HOME_REGION } from "../../stacks/home.ts";
import { synthesizeSpokeTemplate } from "../../stacks/organization/spokeTemplate.ts";
import { loadStageConfig, type OrganizationStageSettings, parseStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import { INVENTORY } from "../helpers/inventory.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import { HANDLERS, homeLookups } from "./monitorLookups.ts";
import { auditFindings, auditRecords, type TemplateUnderAudit, unauditedPolicies } from "./policyAudit.ts";
import { arnOf, only, type Resource, resources, roleOf, roleStatements, sortedStatements, type Statement } from "./templateQueries.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const EXPORT = "functions/exportFindings.handler";
const MEMBER_ACCOUNT = "444455556666";
const partition = { Ref: "AWS::Partition" };
const join = (...parts: unknown[]) => ({ "Fn::Join": ["", ["arn:", partition, ...parts]] });
const WRITERS = [HANDLERS.evaluate, HANDLERS.api, HANDLERS.posture, HANDLERS.retry];

let plain: SynthesizedTemplates;
let exporting: SynthesizedTemplates;
let organization: SynthesizedTemplates;
let organizationConfig: StageConfig;

beforeAll(async () => {
  const exportingConfig = parseStageConfig(
    { securityHub: { enabled: true, region: "eu-west-1" }, ocsf: { bucket: "aws-security-data-lake-us-east-1-lake", prefix: "ext/vigil/1.0" } },
    "test",
    catalogue,
  );
  const orgExample = loadStageConfig(CONFIG_DIR, "org-example", catalogue);
  organizationConfig = { ...orgExample, securityHub: { enabled: true, region: HOME_REGION } };
  plain = await synthesizeForTest("test");
  exporting = await synthesizeForTest("test", { config: exportingConfig });
  organization = await synthesizeForTest("org-example", { config: organizationConfig });
});

const variables = (templates: SynthesizedTemplates, handler: string) => (homeLookups(templates).fnProps(handler).Environment as { Variables: Record<string, string> }).Variables;
const hasFunction = (templates: SynthesizedTemplates, handler: string) => JSON.stringify(templates.home.toJSON()).includes(`"${handler}"`);
const exportStatements = (templates: SynthesizedTemplates) => roleStatements(templates.home, roleOf(templates.home, homeLookups(templates).fnId(EXPORT)));

describe("Export: a stage that exports nowhere", () => {
  it("has no export function, no Security Hub or S3 permission, and its functions mark nothing for export", () => {
    expect(hasFunction(plain, EXPORT)).toBe(false);
    const template = JSON.stringify(plain.home.toJSON());
    expect(template).not.toContain("securityhub:");
    expect(template).not.toContain("s3:PutObject");
    expect(plain.home.toJSON().Outputs.ExportRoleArn).toBeUndefined();
    for (const handler of WRITERS) expect(variables(plain, handler).EXPORT_CHANGES, handler).toBe("false");
  });
});

describe("Export: Security Hub and OCSF configured", () => {
  it("makes every function that creates or changes findings mark them for export", () => {
    for (const handler of WRITERS) expect(variables(exporting, handler).EXPORT_CHANGES, handler).toBe("true");
  });

  it("runs the sweep every five minutes with where to export and nothing else", () => {
    const lookups = homeLookups(exporting);
    // Powertools', SST's and the log level aside, exactly what exportFindings/environment.ts reads.
    const own = Object.fromEntries(Object.entries(variables(exporting, EXPORT)).filter(([name]) => !/^(POWERTOOLS|SST|AWS)_|^LOG_LEVEL$/.test(name)));
    expect(own).toEqual({
      FINDINGS_TABLE_NAME: { Ref: lookups.id("AWS::DynamoDB::Table", "FindingsTable") },
      VIGIL_VERSION: expect.stringMatching(/^\d+\.\d+\.\d+/),
      SECURITY_HUB_REGION: "eu-west-1",
      OCSF_BUCKET: "aws-security-data-lake-us-east-1-lake",
      OCSF_PREFIX: "ext/vigil/1.0",
    });
    const schedules = Object.values(resources(exporting.home, "AWS::Events::Rule")).filter((rule) => JSON.stringify(rule.Properties?.Targets).includes(lookups.fnId(EXPORT)));
    expect(schedules.map((rule) => rule.Properties?.ScheduleExpression)).toEqual(["rate(5 minutes)"]);
    expect(Object.values(resources(exporting.home, "AWS::CloudWatch::Alarm")).some((alarm) => alarm.Properties?.MetricName === "OldestUnexportedChangeAgeSeconds")).toBe(true);
    // The OCSF bucket's policy names it.
    expect(exporting.home.toJSON().Outputs.ExportRoleArn.Value).toEqual(arnOf(roleOf(exporting.home, lookups.fnId(EXPORT))));
  });

  it("may import into the account's own default product, set Workflow on its own hub, and put objects under the OCSF prefix only", () => {
    const lookups = homeLookups(exporting);
    const table = lookups.id("AWS::DynamoDB::Table", "FindingsTable");
    const granted = sortedStatements(exportStatements(exporting).filter((statement) => statement.Sid !== "WriteOwnLogs" && !JSON.stringify(statement.Action).includes("xray:")));
    expect(granted).toEqual(
      sortedStatements([
        { Action: "dynamodb:Query", Effect: "Allow", Resource: { "Fn::Join": ["", [arnOf(table), "/index/byPendingExport"]] }, Sid: "ListPendingExports" },
        { Action: ["dynamodb:UpdateItem", "dynamodb:GetItem"], Effect: "Allow", Resource: arnOf(table), Sid: "ClaimAndRecordExports" },
        { Action: "securityhub:BatchImportFindings", Effect: "Allow", Resource: join(`:securityhub:eu-west-1:${TEST_ACCOUNT}:product/${TEST_ACCOUNT}/default`), Sid: "ImportFindings" },
        { Action: "securityhub:BatchUpdateFindings", Effect: "Allow", Resource: join(`:securityhub:eu-west-1:${TEST_ACCOUNT}:hub/default`), Sid: "SetFindingWorkflow" },
        { Action: "s3:PutObject", Effect: "Allow", Resource: join(":s3:::aws-security-data-lake-us-east-1-lake/ext/vigil/1.0/*"), Sid: "WriteOcsfObjects" },
      ] as Statement[]),
    );
  });

  it("grants Security Hub only when it is on, and S3 only when OCSF is", async () => {
    const only = (settings: Record<string, unknown>) => parseStageConfig(settings, "test", catalogue);
    const { exportStatements: statementsOf } = await import("../../stacks/monitor/exportFunction.ts");
    const { App, Stack } = await import("aws-cdk-lib");
    const { Table, AttributeType } = await import("aws-cdk-lib/aws-dynamodb");
    const stack = new Stack(new App(), "Probe", { env: { account: TEST_ACCOUNT, region: HOME_REGION } });
    const table = new Table(stack, "Findings", { partitionKey: { name: "id", type: AttributeType.STRING } });
    const sids = (settings: Record<string, unknown>) => statementsOf(stack, only(settings), table).map((statement) => statement.sid);
    expect(sids({ ocsf: { bucket: "lake" } })).toEqual(["ListPendingExports", "ClaimAndRecordExports", "WriteOcsfObjects"]);
    expect(sids({ securityHub: { enabled: true } })).toEqual(["ListPendingExports", "ClaimAndRecordExports", "ImportFindings", "SetFindingWorkflow"]);
    expect(statementsOf(stack, only({ ocsf: { bucket: "lake" } }), table).at(-1)?.resources).toEqual([`arn:${stack.partition}:s3:::lake/*`]);
    // Writing as Security Lake's provider role: that role may write, the function may only assume it.
    const provider = "arn:aws:iam::999988887777:role/AmazonSecurityLake-Provider-vigil-us-east-1";
    const asProvider = statementsOf(stack, only({ ocsf: { bucket: "lake", prefix: "ext/vigil", roleArn: provider, externalId: "x-1" } }), table);
    expect(asProvider.map((statement) => statement.sid)).toEqual(["ListPendingExports", "ClaimAndRecordExports", "AssumeSecurityLakeProviderRole"]);
    expect(asProvider.at(-1)?.toStatementJson()).toEqual({ Action: "sts:AssumeRole", Effect: "Allow", Resource: provider, Sid: "AssumeSecurityLakeProviderRole" });
  });
});

describe("Export: organization mode with Security Hub", () => {
  const lookups = () => homeLookups(organization);
  const stackSet = () => resources(organization.home, "AWS::CloudFormation::StackSet").SpokeStackSet as Resource;
  const spoke = () => Template.fromJSON(JSON.parse(stackSet().Properties?.TemplateBody as string));
  const exportRoleId = () => roleOf(organization.home, lookups().fnId(EXPORT));

  it("lets the sweep assume the members' import role, inside the organization only, and names the role to the function", () => {
    expect(exportStatements(organization).find((statement) => statement.Sid === "AssumeSecurityHubImportRoles")).toEqual({
      Action: "sts:AssumeRole",
      Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
      Effect: "Allow",
      Resource: join(":iam::*:role/vigil-org-example-securityhub-import"),
      Sid: "AssumeSecurityHubImportRoles",
    });
    expect(variables(organization, EXPORT).SECURITY_HUB_IMPORT_ROLE).toBe("vigil-org-example-securityhub-import");
  });

  it("passes the sweep's role to the spokes and outputs it for the management account's stack", () => {
    expect(stackSet().Properties?.Parameters).toEqual([
      { ParameterKey: "PostureRoleArn", ParameterValue: arnOf(roleOf(organization.home, lookups().fnId(HANDLERS.posture))) },
      { ParameterKey: "ExportRoleArn", ParameterValue: arnOf(exportRoleId()) },
    ]);
    expect(organization.home.toJSON().Outputs.ExportRoleArn.Value).toEqual(arnOf(exportRoleId()));
  });

  it("gives each member, in the home Region, an import role trusting the sweep alone and allowed its own default product and hub", () => {
    const [roleId, role] = only(spoke(), "AWS::IAM::Role", "SecurityHubImportRole");
    expect((role as Resource & { Condition?: string }).Condition).toBe("InHomeRegion");
    expect(role.Properties?.RoleName).toBe("vigil-org-example-securityhub-import");
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, Effect: "Allow", Principal: { AWS: { Ref: "ExportRoleArn" } } }],
      Version: "2012-10-17",
    });
    const account = { Ref: "AWS::AccountId" };
    expect((role.Properties?.Policies as { PolicyDocument: { Statement: Statement[] } }[])[0]?.PolicyDocument.Statement).toEqual([
      { Action: "securityhub:BatchImportFindings", Effect: "Allow", Resource: join(":securityhub:us-east-1:", account, ":product/", account, "/default"), Sid: "ImportFindings" },
      { Action: "securityhub:BatchUpdateFindings", Effect: "Allow", Resource: join(":securityhub:us-east-1:", account, ":hub/default"), Sid: "SetFindingWorkflow" },
    ]);
    expect(roleId).toMatch(/^SecurityHubImportRole/);
  });

  it("gives the spoke no import role and no second parameter when Security Hub is off", () => {
    const config = loadStageConfig(CONFIG_DIR, "org-example", catalogue);
    const template = Template.fromJSON(synthesizeSpokeTemplate(config, config.organization as OrganizationStageSettings));
    expect(Object.keys(template.toJSON().Parameters)).toEqual(["PostureRoleArn"]);
    expect(Object.keys(resources(template, "AWS::IAM::Role")).some((id) => id.startsWith("SecurityHubImportRole"))).toBe(false);
  });

  it("passes Vigil's own checks: nothing above LOW in the home stack or the spoke, inside the organization", async () => {
    const roleArn = (id: string) => `arn:aws:iam::${TEST_ACCOUNT}:role/org-example-vigil-Monitor-${id}`;
    const audited: TemplateUnderAudit[] = [
      ...organization.stacks.map((stack) => ({ stackName: stack.stackName, region: stack.region, account: TEST_ACCOUNT, template: stack.template as TemplateUnderAudit["template"] })),
      {
        stackName: "vigil-org-example-spoke",
        region: HOME_REGION,
        account: MEMBER_ACCOUNT,
        template: JSON.parse(stackSet().Properties?.TemplateBody as string) as TemplateUnderAudit["template"],
        parameters: { PostureRoleArn: roleArn(roleOf(organization.home, lookups().fnId(HANDLERS.posture))), ExportRoleArn: roleArn(exportRoleId()) },
      },
    ];
    for (const stack of audited) expect(unauditedPolicies(stack), stack.stackName).toEqual([]);
    const labels = audited.flatMap(auditRecords).map((document) => document.label);
    expect(labels.filter((label) => label.includes("SecurityHubImportRole"))).toEqual([expect.stringMatching(/: trust policy$/), expect.stringMatching(/: inline policy SecurityHubImport$/)]);
    const findings = await auditFindings(audited.flatMap(auditRecords), { organization: INVENTORY });
    expect(findings.filter((finding) => severityRank(finding.severity) > severityRank("LOW")).map((finding) => `${finding.ruleId}: ${finding.document}`)).toEqual([]);
  });
});

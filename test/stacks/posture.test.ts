import { readFileSync } from "node:fs";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { deactivateOldAccessKeys, readAccountSnapshot } from "@vigil/aws-iam";
import { catalogue, severityRank } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { HOME_REGION } from "../../stacks/home.ts";
import { parseStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import type { SynthesizedStack } from "../../stacks/synthesize.ts";
import { awsResponse } from "../packages/aws-iam/posture/awsResponses.ts";
import { mockLiveAccount } from "../packages/cli/postureAccount.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import { auditFindings, auditRecords, type TemplateUnderAudit } from "./policyAudit.ts";
import { arnOf, functionWithHandler, only, type Resource, ref, resources, roleOf, roleStatements, type Statement, sortedStatements } from "./templateQueries.ts";

const HANDLER = "functions/posture.handler";
const TEST_CONFIG = JSON.parse(readFileSync(new URL("../../config/test.json", import.meta.url), "utf8")) as Record<string, unknown>;

/** config/test.json with changes, in the home region only (the forwarders have no posture function). */
function stage(changes: Record<string, unknown>): StageConfig {
  return parseStageConfig({ ...TEST_CONFIG, forwarderRegions: [], ...changes }, "test", catalogue, "config/test.json");
}

interface Synthesized {
  templates: SynthesizedTemplates;
  home: SynthesizedStack;
}

let plain: Synthesized;
let dryRun: Synthesized;
let remediating: Synthesized;
let operations: { reads: string[]; remediation: string[] };

async function synthesize(config?: StageConfig): Promise<Synthesized> {
  const templates = await synthesizeForTest("test", config ? { config } : {});
  return { templates, home: templates.stacks.find((stack) => stack.region === HOME_REGION) as SynthesizedStack };
}

beforeAll(async () => {
  plain = await synthesize();
  dryRun = await synthesize(stage({ remediation: { enabled: true } }));
  remediating = await synthesize(stage({ remediation: { enabled: true, dryRun: false, olderThanDays: 120 }, postureSchedule: "rate(12 hours)", accessAdvisorJobsPerRun: 20 }));
  operations = await operationsOfOneRun();
});

const fnId = (synthesized: Synthesized) => functionWithHandler(synthesized.home, HANDLER);
const fnProps = (synthesized: Synthesized) => (resources(synthesized.templates.home, "AWS::Lambda::Function")[fnId(synthesized)] as Resource).Properties ?? {};
const statementsOf = (synthesized: Synthesized) => roleStatements(synthesized.templates.home, roleOf(synthesized.templates.home, fnId(synthesized)));
const id = (synthesized: Synthesized, type: string, constructId: string) => only(synthesized.templates.home, type, constructId)[0];

/** The IAM and CloudTrail actions of a role, one by one. */
function accountActions(statements: readonly Statement[]): string[] {
  return statements
    .flatMap((statement) => [statement.Action].flat() as string[])
    .filter((action) => action.startsWith("iam:") || action.startsWith("cloudtrail:"))
    .sort();
}

/** The operations the posture function's AWS calls make, read from what the adapters count as they call. */
async function operationsOfOneRun(): Promise<{ reads: string[]; remediation: string[] }> {
  const { iam } = mockLiveAccount();
  iam.on(ListAccessKeysCommand).resolves(awsResponse("iam/list-access-keys-ci-deployer.json"));
  iam.on(UpdateAccessKeyCommand).resolves({});
  const client = new IAMClient({ region: HOME_REGION });
  const read = await readAccountSnapshot({ iam: client, cloudTrail: new CloudTrailClient({ region: HOME_REGION }), account: TEST_ACCOUNT, region: HOME_REGION, sleep: async () => {} });
  await deactivateOldAccessKeys({
    iam: client,
    account: TEST_ACCOUNT,
    userArns: [`arn:aws:iam::${TEST_ACCOUNT}:user/automation/ci-deployer`],
    olderThanDays: 90,
    now: new Date("2026-11-20T09:00:00Z"),
    dryRun: false,
    ignore: () => false,
  });
  const remediation = iam.calls().map((call) => `iam:${(call.args[0] as { constructor: { name: string } }).constructor.name.replace(/Command$/, "")}`);
  return { reads: Object.keys(read.calls).sort(), remediation: [...new Set(remediation.filter((name) => /AccessKey/.test(name)))].sort() };
}

describe("Monitor: scheduled posture checks", () => {
  it("runs the posture function daily at 06:00 UTC by default, invoked only by its schedule", () => {
    const [ruleId, rule] = only(plain.templates.home, "AWS::Events::Rule", "PostureScheduleRule");
    expect(rule.Properties).toMatchObject({ ScheduleExpression: "cron(0 6 * * ? *)", State: "ENABLED", Targets: [{ Arn: arnOf(fnId(plain)) }] });
    const permissions = Object.values(resources(plain.templates.home, "AWS::Lambda::Permission")).map((permission) => permission.Properties);
    expect(permissions.filter((permission) => JSON.stringify(permission?.FunctionName) === JSON.stringify(arnOf(fnId(plain))))).toEqual([
      { Action: "lambda:InvokeFunction", FunctionName: arnOf(fnId(plain)), Principal: "events.amazonaws.com", SourceArn: arnOf(ruleId) },
    ]);
  });

  it("takes its schedule from the stage's postureSchedule", () => {
    const [, rule] = only(remediating.templates.home, "AWS::Events::Rule", "PostureScheduleRule");
    expect(rule.Properties?.ScheduleExpression).toBe("rate(12 hours)");
  });

  it("gives the function its environment, the remediation settings included, and time for the credential report", () => {
    const variables = (synthesized: Synthesized) => (fnProps(synthesized).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables(plain)).toMatchObject({
      POWERTOOLS_SERVICE_NAME: "vigil-posture",
      FINDINGS_TABLE_NAME: ref(id(plain, "AWS::DynamoDB::Table", "FindingsTable")),
      TOPIC_ARN: ref(id(plain, "AWS::SNS::Topic", "FindingsTopic")),
      RETENTION_DAYS: "30",
      ACCESS_ADVISOR_JOBS_PER_RUN: "50",
    });
    expect(variables(remediating).ACCESS_ADVISOR_JOBS_PER_RUN).toBe("20");
    expect(JSON.parse(variables(plain).VIGIL_CONFIG as string)).toMatchObject({ trustedAccounts: ["444455556666"] });
    expect(JSON.parse(variables(plain).REMEDIATION as string)).toEqual({ enabled: false, olderThanDays: 90, dryRun: true });
    expect(JSON.parse(variables(remediating).REMEDIATION as string)).toEqual({ enabled: true, olderThanDays: 120, dryRun: false });
    expect(fnProps(plain).Timeout).toBe(600);
  });

  it("may make exactly the IAM and CloudTrail reads of a run, and no key change, without remediation", () => {
    const { reads } = operations;
    expect(reads).toEqual([
      "cloudtrail:DescribeTrails",
      "cloudtrail:GetEventSelectors",
      "cloudtrail:GetTrailStatus",
      "iam:GenerateCredentialReport",
      "iam:GenerateServiceLastAccessedDetails",
      "iam:GetAccountAuthorizationDetails",
      "iam:GetAccountPasswordPolicy",
      "iam:GetAccountSummary",
      "iam:GetCredentialReport",
      "iam:GetPolicyVersion",
      "iam:GetServiceLastAccessedDetails",
      "iam:ListEntitiesForPolicy",
      "iam:ListPolicies",
      "iam:ListServerCertificates",
    ]);
    expect([...new Set(accountActions(statementsOf(plain)))]).toEqual(reads);
  });

  it("may list access keys in a dry run, and update them too only when remediation is real", () => {
    const { reads, remediation } = operations;
    expect(remediation).toEqual(["iam:ListAccessKeys", "iam:UpdateAccessKey"]);
    expect([...new Set(accountActions(statementsOf(dryRun)))]).toEqual([...reads, "iam:ListAccessKeys"].sort());
    expect([...new Set(accountActions(statementsOf(remediating)))]).toEqual([...reads, ...remediation].sort());
  });

  it("has exactly these statements: reads, its findings through the byRule index, publishing, and keys only when remediating", () => {
    const home = plain.templates.home;
    const partition = { Ref: "AWS::Partition" };
    const iamArn = (account: string, resource: string) => ({ "Fn::Join": ["", ["arn:", partition, `:iam::${account}:${resource}/*`]] });
    const findings = arnOf(id(plain, "AWS::DynamoDB::Table", "FindingsTable"));
    const logGroup = String((fnProps(plain).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref);
    const expected: Statement[] = [
      { Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Effect: "Allow", Resource: arnOf(logGroup), Sid: "WriteOwnLogs" },
      { Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Effect: "Allow", Resource: "*" },
      {
        Action: [
          "iam:GenerateCredentialReport",
          "iam:GetCredentialReport",
          "iam:GetAccountPasswordPolicy",
          "iam:GetAccountSummary",
          "iam:ListPolicies",
          "iam:ListServerCertificates",
          "iam:GetAccountAuthorizationDetails",
          "iam:GetServiceLastAccessedDetails",
        ],
        Effect: "Allow",
        Resource: "*",
        Sid: "ReadAccountWideIam",
      },
      {
        Action: "iam:GenerateServiceLastAccessedDetails",
        Effect: "Allow",
        Resource: [iamArn(TEST_ACCOUNT, "user"), iamArn(TEST_ACCOUNT, "role")],
        Sid: "GenerateAccessAdvisorReports",
      },
      { Action: ["iam:GetPolicyVersion", "iam:ListEntitiesForPolicy"], Effect: "Allow", Resource: iamArn(TEST_ACCOUNT, "policy"), Sid: "ReadCustomerPolicies" },
      { Action: "iam:ListEntitiesForPolicy", Effect: "Allow", Resource: iamArn("aws", "policy"), Sid: "ListAwsManagedPolicyEntities" },
      { Action: "cloudtrail:DescribeTrails", Effect: "Allow", Resource: "*", Sid: "ListTrails" },
      {
        Action: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
        Effect: "Allow",
        Resource: { "Fn::Join": ["", ["arn:", partition, ":cloudtrail:*:*:trail/*"]] },
        Sid: "ReadTrails",
      },
      { Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"], Effect: "Allow", Resource: findings, Sid: "StorePostureFindings" },
      { Action: "dynamodb:Query", Effect: "Allow", Resource: { "Fn::Join": ["", [findings, "/index/byRule"]] }, Sid: "ListFindingsOfCheck" },
      { Action: "sns:Publish", Effect: "Allow", Resource: ref(id(plain, "AWS::SNS::Topic", "FindingsTopic")), Sid: "PublishFindings" },
      { Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Effect: "Allow", Resource: arnOf(id(plain, "AWS::KMS::Key", "FindingsTopicKey")), Sid: "EncryptForFindingsTopic" },
    ];
    expect(sortedStatements(statementsOf(plain))).toEqual(sortedStatements(expected));
    const role = resources(home, "AWS::IAM::Role")[roleOf(home, fnId(plain))] as Resource;
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();

    const keys = (synthesized: Synthesized) => statementsOf(synthesized).filter((statement) => statement.Sid === "RemediateOldAccessKeys");
    expect(keys(dryRun)).toEqual([{ Action: "iam:ListAccessKeys", Effect: "Allow", Resource: iamArn(TEST_ACCOUNT, "user"), Sid: "RemediateOldAccessKeys" }]);
    expect(keys(remediating)).toEqual([
      { Action: ["iam:ListAccessKeys", "iam:UpdateAccessKey"], Effect: "Allow", Resource: iamArn(TEST_ACCOUNT, "user"), Sid: "RemediateOldAccessKeys" },
    ]);
  });

  it("alarms on the ops topic when the posture function fails or is throttled", () => {
    const alarms = Object.values(resources(plain.templates.home, "AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties ?? {});
    for (const metric of ["Errors", "Throttles"]) {
      expect(alarms.filter((alarm) => alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(JSON.stringify(ref(fnId(plain)))))).toHaveLength(1);
    }
  });

  it("passes the self-audit with remediation on: nothing above LOW in any policy of the stack", async () => {
    const audited: TemplateUnderAudit[] = [dryRun, remediating].map((synthesized) => ({
      stackName: synthesized.home.stackName,
      region: synthesized.home.region,
      account: TEST_ACCOUNT,
      template: synthesized.home.template as TemplateUnderAudit["template"],
    }));
    const documents = audited.flatMap(auditRecords);
    // The remediation statement is among what is audited.
    expect(documents.some((document) => String((document.record.requestParameters as { policyDocument?: string }).policyDocument).includes("iam:UpdateAccessKey"))).toBe(true);
    const findings = await auditFindings(documents);
    expect(findings.filter((finding) => severityRank(finding.severity) > severityRank("LOW")).map((finding) => `${finding.severity} ${finding.ruleId}: ${finding.document}`)).toEqual([]);
  });
});

describe("Stage configuration: posture keys", () => {
  it.each([
    [{ postureSchedule: "every day" }, "config/test.json: postureSchedule: must be an EventBridge schedule expression"],
    [{ postureSchedule: "rate(1 days)" }, "config/test.json: postureSchedule: must be an EventBridge schedule expression"],
    [{ postureSchedule: "cron(0 6 * * ?)" }, "config/test.json: postureSchedule: must be an EventBridge schedule expression"],
    [{ remediation: { enabled: "yes" } }, "config/test.json: remediation.enabled: "],
    [{ remediation: { olderThanDays: 0 } }, "config/test.json: remediation.olderThanDays: "],
    [{ remediation: { enabled: true, deleteKeys: true } }, 'config/test.json: remediation: unknown key "deleteKeys"'],
    [{ accessAdvisorJobsPerRun: -1 }, "config/test.json: accessAdvisorJobsPerRun: "],
    [{ accessAdvisorJobsPerRun: 2.5 }, "config/test.json: accessAdvisorJobsPerRun: "],
  ])("names the bad key of %j", (changes, message) => {
    expect(() => stage(changes)).toThrow(message);
  });

  it("accepts rate and cron schedules, and fills remediation's defaults: a dry run of 90 days", () => {
    expect(stage({ postureSchedule: "rate(1 day)" }).postureSchedule).toBe("rate(1 day)");
    expect(stage({ postureSchedule: "cron(30 4 ? * MON-FRI *)" }).postureSchedule).toBe("cron(30 4 ? * MON-FRI *)");
    expect(stage({ remediation: { enabled: true } }).remediation).toEqual({ enabled: true, olderThanDays: 90, dryRun: true });
    expect(stage({}).accessAdvisorJobsPerRun).toBe(50);
    expect(stage({ accessAdvisorJobsPerRun: 0 }).accessAdvisorJobsPerRun).toBe(0);
  });
});

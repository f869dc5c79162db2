import { readFileSync } from "node:fs";
import { catalogue, MEMBERSHIP_EVENT_NAMES } from "@vigil/core";
import { Template } from "aws-cdk-lib/assertions";
import { describe, expect, it } from "vitest";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { MAX_TEMPLATE_BODY_BYTES, synthesizeSpokeTemplate } from "../../stacks/organization/spokeTemplate.ts";
import { parseStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import { synthesizeSpoke } from "../../stacks/synthesize.ts";
import { TEST_ACCOUNT } from "../helpers/synth.ts";
import { matchesPattern } from "./eventPatternMatcher.ts";
import { arnOf, only, type Resource, resources, type Statement } from "./templateQueries.ts";

const ORG_EXAMPLE = JSON.parse(readFileSync(new URL("../../config/org-example.json", import.meta.url), "utf8")) as Record<string, unknown>;

/** config/org-example.json with changes. */
function stage(changes: Record<string, unknown> = {}): StageConfig {
  return parseStageConfig({ ...ORG_EXAMPLE, ...changes }, "org-example", catalogue, "config/org-example.json");
}

function spokeOf(config: StageConfig): Template {
  return Template.fromJSON(synthesizeSpokeTemplate(config, config.organization as NonNullable<StageConfig["organization"]>));
}

const config = stage();
const spoke = spokeOf(config);
const partition = { Ref: "AWS::Partition" };
/** The home account, read from the PostureRoleArn parameter. */
const homeAccount = { "Fn::Select": [4, { "Fn::Split": [":", { Ref: "PostureRoleArn" }] }] };
const homeBus = { "Fn::Join": ["", ["arn:", partition, ":events:us-east-1:", homeAccount, ":event-bus/default"]] };
const homeOpsTopic = { "Fn::Join": ["", ["arn:", partition, ":sns:", { Ref: "AWS::Region" }, ":", homeAccount, ":vigil-org-example-ops"]] };
const ownIam = (resource: string) => ({ "Fn::Join": ["", ["arn:", partition, ":iam::", { Ref: "AWS::AccountId" }, `:${resource}/*`]] });

const POSTURE_READS = [
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
];

function auditRole(template: Template): Resource & { Condition?: string } {
  return only(template, "AWS::IAM::Role", "AuditRole")[1];
}

function auditStatements(template: Template): Statement[] {
  return ((auditRole(template).Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement);
}

const actionsOf = (statements: readonly Statement[]) => [...new Set(statements.flatMap((statement) => [statement.Action].flat() as string[]))].sort();

describe("Spoke template", () => {
  it("is synthesized, as vigil-<stage>-spoke, for a stage in organization mode only", () => {
    expect(synthesizeSpoke({ stage: "org-example", config })).toEqual({ stackName: "vigil-org-example-spoke", template: spoke.toJSON() });
    expect(synthesizeSpoke({ stage: "test", config: parseStageConfig({}, "test", catalogue) })).toBeUndefined();
  });

  it("fits a StackSet's TemplateBody with every rule enabled, and names no account of its own", () => {
    expect(config.enabledRules).toHaveLength(catalogue.length);
    const body = JSON.stringify(spoke.toJSON());
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_TEMPLATE_BODY_BYTES);
    expect(body).not.toContain(TEST_ACCOUNT);
    expect(spoke.toJSON().Rules).toBeUndefined();
    expect(Object.keys(spoke.toJSON().Parameters)).toEqual(["PostureRoleArn"]);
  });

  it("takes only an IAM role ARN as the posture role", () => {
    const pattern = new RegExp(spoke.toJSON().Parameters.PostureRoleArn.AllowedPattern);
    expect(pattern.test(`arn:aws:iam::${TEST_ACCOUNT}:role/org-example-vigil-Monitor-PostureRole54A26896-AbC123`)).toBe(true);
    expect(pattern.test(`arn:aws:iam::${TEST_ACCOUNT}:user/alice`)).toBe(false);
    expect(pattern.test("VigilPosture")).toBe(false);
  });

  it("has the home stack's rules, in their states, each forwarding to the home account's us-east-1 default bus with dead letters", () => {
    const patterns = patternsFor(config);
    const [roleId] = only(spoke, "AWS::IAM::Role", "ForwardRole");
    const [deadLettersId, deadLetters] = only(spoke, "AWS::SQS::Queue", "ForwardDeadLetters");
    expect(Object.values(resources(spoke, "AWS::Events::Rule"))).toHaveLength(patterns.length);
    for (const derived of patterns) {
      const [, rule] = only(spoke, "AWS::Events::Rule", `CloudTrail${derived.id.replace(/-/g, "")}`);
      expect(rule.Properties?.EventPattern).toEqual(derived.pattern);
      expect(rule.Properties?.State).toBe(derived.state);
      expect(rule.Properties?.Targets).toEqual([{ Arn: homeBus, Id: "Target0", RoleArn: arnOf(roleId), DeadLetterConfig: { Arn: arnOf(deadLettersId) } }]);
    }
    expect(patterns.map((derived) => derived.state)).toContain("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
    expect(deadLetters.Properties).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it("forwards the membership events even with organizations-changes disabled, which one account's rules would not", () => {
    const quiet = { rules: { "organizations-changes": { enabled: false } } };
    const rules = Object.values(resources(spokeOf(stage(quiet)), "AWS::Events::Rule")).map((rule) => rule.Properties?.EventPattern);
    const singleAccount = patternsFor(parseStageConfig(quiet, "single", catalogue)).map((derived) => derived.pattern);
    const event = (eventName: string) => ({
      source: "aws.organizations",
      "detail-type": "AWS API Call via CloudTrail",
      detail: { eventSource: "organizations.amazonaws.com", eventName, userIdentity: { type: "AssumedRole" } },
    });
    for (const eventName of MEMBERSHIP_EVENT_NAMES) {
      expect(rules.some((pattern) => matchesPattern(pattern, event(eventName))), eventName).toBe(true);
    }
    expect(MEMBERSHIP_EVENT_NAMES.filter((eventName) => singleAccount.some((pattern) => matchesPattern(pattern, event(eventName))))).toEqual([]);
  });

  it("forwards with a role EventBridge of this account alone may assume, allowed only to put events on the home bus", () => {
    const [roleId, role] = only(spoke, "AWS::IAM::Role", "ForwardRole");
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Statement: [
        { Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:SourceAccount": { Ref: "AWS::AccountId" } } }, Effect: "Allow", Principal: { Service: "events.amazonaws.com" } },
      ],
      Version: "2012-10-17",
    });
    const policies = Object.values(resources(spoke, "AWS::IAM::Policy")).filter((policy) => JSON.stringify(policy.Properties?.Roles).includes(roleId));
    expect(policies.flatMap((policy) => (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement)).toEqual([
      { Action: "events:PutEvents", Effect: "Allow", Resource: homeBus },
    ]);
  });

  it("alarms the home account's ops topic of its region on any dead letter and any failed forward, under names the topic lets in", () => {
    const alarms = Object.values(resources(spoke, "AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties ?? {});
    const ruleIds = Object.keys(resources(spoke, "AWS::Events::Rule"));
    expect(alarms).toHaveLength(1 + ruleIds.length);
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [homeOpsTopic], ComparisonOperator: "GreaterThanThreshold", Threshold: 0 });
      expect(alarm.AlarmName).toMatch(/^vigil-org-example-spoke-/);
    }
    const [deadLettersId] = only(spoke, "AWS::SQS::Queue", "ForwardDeadLetters");
    const watching = (metric: string, dimension: unknown) =>
      alarms.filter((alarm) => alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension)));
    expect(watching("ApproximateNumberOfMessagesVisible", { "Fn::GetAtt": [deadLettersId, "QueueName"] })).toHaveLength(1);
    for (const ruleId of ruleIds) expect(watching("FailedInvocations", { Ref: ruleId }), ruleId).toHaveLength(1);
  });

  it("holds the audit role in us-east-1 only, named by the stage, trusting exactly the posture role from inside the organization", () => {
    const role = auditRole(spoke);
    expect(role.Condition).toBe("InHomeRegion");
    expect(spoke.toJSON().Conditions).toEqual({ InHomeRegion: { "Fn::Equals": [{ Ref: "AWS::Region" }, "us-east-1"] } });
    expect(role.Properties?.RoleName).toBe("VigilAudit");
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Statement: [
        { Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } }, Effect: "Allow", Principal: { AWS: { Ref: "PostureRoleArn" } } },
      ],
      Version: "2012-10-17",
    });
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    // Everything else applies in every region: nothing but the audit role is conditional.
    const conditional = Object.entries(spoke.toJSON().Resources as Record<string, Resource & { Condition?: string }>).filter(([, resource]) => resource.Condition);
    expect(conditional.map(([, resource]) => resource.Type)).toEqual(["AWS::IAM::Role"]);
    const renamed = spokeOf(stage({ organization: { ...(ORG_EXAMPLE.organization as object), auditRoleName: "SecurityAudit" } }));
    expect(auditRole(renamed).Properties?.RoleName).toBe("SecurityAudit");
  });

  it("lets the audit role make exactly the posture reads, on this account, and change keys only when remediation is real", () => {
    const off = spokeOf(stage({ remediation: { enabled: false } }));
    expect(actionsOf(auditStatements(off))).toEqual(POSTURE_READS);
    expect(actionsOf(auditStatements(spoke))).toEqual([...POSTURE_READS, "iam:ListAccessKeys"].sort());
    const real = spokeOf(stage({ remediation: { enabled: true, dryRun: false } }));
    expect(actionsOf(auditStatements(real))).toEqual([...POSTURE_READS, "iam:ListAccessKeys", "iam:UpdateAccessKey"].sort());

    const statements = auditStatements(real);
    const sid = (name: string) => statements.find((statement) => statement.Sid === name);
    expect(sid("ReadCustomerPolicies")?.Resource).toEqual(ownIam("policy"));
    expect(sid("GenerateAccessAdvisorReports")?.Resource).toEqual([ownIam("user"), ownIam("role")]);
    expect(sid("RemediateOldAccessKeys")).toEqual({ Action: ["iam:ListAccessKeys", "iam:UpdateAccessKey"], Effect: "Allow", Resource: ownIam("user"), Sid: "RemediateOldAccessKeys" });
    for (const statement of statements) expect(statement.Effect).toBe("Allow");
  });

  it("holds nothing but the rules, their role, the dead letters, the alarms and the audit role", () => {
    const types = Object.values(spoke.toJSON().Resources as Record<string, Resource>).map((resource) => resource.Type);
    expect(new Set(types)).toEqual(
      new Set(["AWS::Events::Rule", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::SQS::Queue", "AWS::SQS::QueuePolicy", "AWS::CloudWatch::Alarm"]),
    );
    expect(Object.keys(resources(spoke, "AWS::IAM::Role"))).toHaveLength(2);
  });
});

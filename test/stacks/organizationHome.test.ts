import { catalogue, MEMBERSHIP_EVENT_NAMES, severityRank } from "@vigil/core";
import { App, Stack } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { Role } from "aws-cdk-lib/aws-iam";
import { beforeAll, describe, expect, it } from "vitest";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { HOME_REGION } from "../../stacks/home.ts";
import { createSpokeStackSet } from "../../stacks/organization/spokeStackSet.ts";
import { MAX_TEMPLATE_BODY_BYTES, synthesizeSpokeTemplate } from "../../stacks/organization/spokeTemplate.ts";
import { loadStageConfig, type OrganizationStageSettings, type StageConfig } from "../../stacks/stageConfig.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import { matchesPattern } from "./eventPatternMatcher.ts";
import { HANDLERS, homeLookups } from "./monitorLookups.ts";
import { auditFindings, auditRecords, type TemplateUnderAudit, unauditedPolicies } from "./policyAudit.ts";
import { arnOf, only, type Resource, ref, resources, roleOf, roleStatements, type Statement } from "./templateQueries.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
/** An account of the organization other than the home one, where the StackSet puts a spoke. */
const MEMBER_ACCOUNT = "444455556666";

let templates: SynthesizedTemplates;
let lookups: ReturnType<typeof homeLookups>;
let config: StageConfig;
let organization: OrganizationStageSettings;

beforeAll(async () => {
  templates = await synthesizeForTest("org-example");
  lookups = homeLookups(templates);
  config = loadStageConfig(CONFIG_DIR, "org-example", catalogue);
  organization = config.organization as OrganizationStageSettings;
});

const partition = { Ref: "AWS::Partition" };
const join = (...parts: unknown[]) => ({ "Fn::Join": ["", ["arn:", partition, ...parts]] });
/** An L1 resource directly in the stack: its logical id is its construct id, without a hash. */
const stackSet = () => resources(lookups.home, "AWS::CloudFormation::StackSet").SpokeStackSet as Resource;
const postureRoleId = () => roleOf(lookups.home, lookups.fnId(HANDLERS.posture));
const variables = (handler: string) => (lookups.fnProps(handler).Environment as { Variables: Record<string, string> }).Variables;
const bySid = (statements: readonly Statement[], sids: readonly string[]) => sids.map((sid) => statements.find((statement) => statement.Sid === sid));

const ORGANIZATION_READS: Statement[] = [
  { Action: ["organizations:DescribeOrganization", "organizations:ListRoots"], Effect: "Allow", Resource: "*", Sid: "DescribeOrganization" },
  {
    Action: ["organizations:ListOrganizationalUnitsForParent", "organizations:ListAccountsForParent"],
    Effect: "Allow",
    Resource: [join(":organizations::111111111111:root/o-a1b2c3d4e5/r-*"), join(":organizations::111111111111:ou/o-a1b2c3d4e5/ou-*")],
    Sid: "ListOrganizationTree",
  },
];

describe("Organization mode: the home stack", () => {
  it("lets accounts of the organization alone put events on the home bus, and nothing else", () => {
    const policies = Object.values(resources(lookups.home, "AWS::Events::EventBusPolicy"));
    expect(policies.map((policy) => policy.Properties)).toEqual([
      {
        EventBusName: "default",
        StatementId: "VigilOrganizationPutsEvents",
        Statement: {
          Effect: "Allow",
          Principal: "*",
          Action: "events:PutEvents",
          Resource: join(`:events:${HOME_REGION}:${TEST_ACCOUNT}:event-bus/default`),
          Condition: { StringEquals: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        },
      },
    ]);
  });

  it("deploys the spoke with a service-managed StackSet to the targets of the stage, in us-east-1 and each forwarder region, but not to itself", () => {
    const { TemplateBody, ...properties } = stackSet().Properties ?? {};
    expect(properties).toEqual({
      StackSetName: "vigil-org-example-spoke",
      Description: expect.any(String),
      PermissionModel: "SERVICE_MANAGED",
      CallAs: "DELEGATED_ADMIN",
      AutoDeployment: { Enabled: true, RetainStacksOnAccountRemoval: false },
      Capabilities: ["CAPABILITY_NAMED_IAM"],
      ManagedExecution: { Active: true },
      OperationPreferences: { RegionConcurrencyType: "PARALLEL", ConcurrencyMode: "SOFT_FAILURE_TOLERANCE", MaxConcurrentPercentage: 25, FailureTolerancePercentage: 10 },
      Parameters: [{ ParameterKey: "PostureRoleArn", ParameterValue: arnOf(postureRoleId()) }],
      StackInstancesGroup: [
        {
          DeploymentTargets: { OrganizationalUnitIds: ["r-ab12"], Accounts: [TEST_ACCOUNT], AccountFilterType: "DIFFERENCE" },
          Regions: ["us-east-1", "us-east-2", "eu-north-1", "ap-southeast-2"],
        },
      ],
    });
    expect(typeof TemplateBody).toBe("string");
  });

  it("carries the spoke template as npm run synth writes it, within the TemplateBody limit", () => {
    const body = stackSet().Properties?.TemplateBody as string;
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_TEMPLATE_BODY_BYTES);
    expect(JSON.parse(body)).toEqual(synthesizeSpokeTemplate(config, organization));
  });

  it("acts as itself when the home account is the management account, and takes targets and regions from the stage", () => {
    const stack = new Stack(new App(), "Home", { env: { account: TEST_ACCOUNT, region: HOME_REGION } });
    const role = Role.fromRoleArn(stack, "PostureRole", `arn:aws:iam::${TEST_ACCOUNT}:role/posture`);
    const managing = { ...organization, managementAccountId: TEST_ACCOUNT, deploymentTargets: ["ou-ab12-11111111", "ou-ab12-22222222"] };
    createSpokeStackSet(stack, { ...config, forwarderRegions: ["eu-west-1"], organization: managing }, managing, role);
    const [properties] = Object.values(Template.fromStack(stack).findResources("AWS::CloudFormation::StackSet")).map((resource) => resource.Properties);
    expect(properties.CallAs).toBe("SELF");
    expect(properties.StackInstancesGroup).toEqual([
      {
        DeploymentTargets: { OrganizationalUnitIds: ["ou-ab12-11111111", "ou-ab12-22222222"], Accounts: [TEST_ACCOUNT], AccountFilterType: "DIFFERENCE" },
        Regions: ["us-east-1", "eu-west-1"],
      },
    ]);
  });

  it("outputs the posture role's ARN for the management account's spoke stack", () => {
    expect(lookups.home.toJSON().Outputs.PostureRoleArn).toEqual({ Value: arnOf(postureRoleId()) });
  });

  it("keeps the StackSet, the bus policy and the posture role's output out of the forwarders", () => {
    for (const [region, template] of templates.forwarders) {
      expect(Object.keys(resources(template, "AWS::CloudFormation::StackSet")), region).toEqual([]);
      expect(Object.keys(resources(template, "AWS::Events::EventBusPolicy")), region).toEqual([]);
      expect(template.toJSON().Outputs?.PostureRoleArn, region).toBeUndefined();
    }
  });

  it("routes the membership events to evaluate, with the same patterns the spoke forwards", () => {
    const patterns = patternsFor(config);
    const rules = Object.values(resources(lookups.home, "AWS::Events::Rule")).filter((rule) => rule.Properties?.EventPattern);
    expect(rules.map((rule) => rule.Properties?.EventPattern)).toEqual(expect.arrayContaining(patterns.map((derived) => derived.pattern)));
    expect(rules).toHaveLength(patterns.length);
    const spokeRules = Object.values(JSON.parse(stackSet().Properties?.TemplateBody as string).Resources as Record<string, Resource>).filter(
      (resource) => resource.Type === "AWS::Events::Rule",
    );
    expect(spokeRules.map((rule) => [rule.Properties?.EventPattern, rule.Properties?.State])).toEqual(
      expect.arrayContaining(rules.map((rule) => [rule.Properties?.EventPattern, rule.Properties?.State])),
    );
    expect(spokeRules).toHaveLength(rules.length);
    for (const eventName of MEMBERSHIP_EVENT_NAMES) {
      const event = {
        source: "aws.organizations",
        "detail-type": "AWS API Call via CloudTrail",
        detail: { eventSource: "organizations.amazonaws.com", eventName, userIdentity: { type: "AssumedRole" } },
      };
      expect(patterns.some((derived) => matchesPattern(derived.pattern, event)), eventName).toBe(true);
    }
  });

  it("gives the posture function the organization, the state table and 15 minutes", () => {
    const posture = variables(HANDLERS.posture);
    expect(JSON.parse(posture.ORGANIZATION as string)).toEqual({ id: "o-a1b2c3d4e5", managementAccountId: "111111111111", auditRoleName: "VigilAudit", postureConcurrency: 10 });
    expect(posture.STATE_TABLE_NAME).toEqual(ref(lookups.id("AWS::DynamoDB::Table", "StateTable")));
    expect(lookups.fnProps(HANDLERS.posture).Timeout).toBe(900);
  });

  it("lets the posture role read the organization, keep its inventory and assume the audit role in the organization's accounts only", () => {
    const statements = roleStatements(lookups.home, postureRoleId());
    expect(bySid(statements, ["DescribeOrganization", "ListOrganizationTree", "KeepOrganizationInventory", "AssumeAuditRoles"])).toEqual([
      ...ORGANIZATION_READS,
      { Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Effect: "Allow", Resource: arnOf(lookups.id("AWS::DynamoDB::Table", "StateTable")), Sid: "KeepOrganizationInventory" },
      {
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:ResourceOrgID": "o-a1b2c3d4e5" } },
        Effect: "Allow",
        Resource: join(":iam::*:role/VigilAudit"),
        Sid: "AssumeAuditRoles",
      },
    ]);
    const actions = statements.flatMap((statement) => [statement.Action].flat() as string[]);
    expect(actions.filter((action) => /^(organizations|sts):/.test(action)).sort()).toEqual([
      "organizations:DescribeOrganization",
      "organizations:ListAccountsForParent",
      "organizations:ListOrganizationalUnitsForParent",
      "organizations:ListRoots",
      "sts:AssumeRole",
    ]);
  });

  it("gives the spoke's audit role the posture role's very account reads", () => {
    const spoke = Template.fromJSON(JSON.parse(stackSet().Properties?.TemplateBody as string));
    const [, auditRole] = only(spoke, "AWS::IAM::Role", "AuditRole");
    const audit = ((auditRole.Properties?.Policies ?? []) as { PolicyDocument: { Statement: Statement[] } }[]).flatMap((policy) => policy.PolicyDocument.Statement);
    const posture = roleStatements(lookups.home, postureRoleId());
    const actionsBySid = (statements: readonly Statement[]) => Object.fromEntries(statements.map((statement) => [statement.Sid, statement.Action]));
    const sids = audit.map((statement) => statement.Sid as string);
    expect(sids).toEqual(expect.arrayContaining(["ReadAccountWideIam", "ReadTrails", "RemediateOldAccessKeys"]));
    expect(actionsBySid(audit)).toEqual(actionsBySid(bySid(posture, sids) as Statement[]));
  });

  it("gives evaluate the organization and the Organizations reads it refreshes the inventory with", () => {
    expect(JSON.parse(variables(HANDLERS.evaluate).ORGANIZATION as string)).toEqual({
      id: "o-a1b2c3d4e5",
      managementAccountId: "111111111111",
      auditRoleName: "VigilAudit",
      postureConcurrency: 10,
    });
    const statements = roleStatements(lookups.home, roleOf(lookups.home, lookups.fnId(HANDLERS.evaluate)));
    expect(bySid(statements, ["DescribeOrganization", "ListOrganizationTree"])).toEqual(ORGANIZATION_READS);
    expect(statements.some((statement) => JSON.stringify(statement.Action).includes("sts:"))).toBe(false);
  });

  it("names each region's ops topic for the spokes, and lets in CloudWatch alarms of the organization's spokes only", () => {
    for (const [region, template] of [[HOME_REGION, lookups.home] as const, ...templates.forwarders]) {
      const [topicId, topic] = only(template, "AWS::SNS::Topic", "OpsTopic");
      expect(topic.Properties?.TopicName, region).toBe("vigil-org-example-ops");
      const [, policy] = only(template, "AWS::SNS::TopicPolicy", "OpsTopicPolicy");
      const statements = (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
      expect(statements.find((statement) => statement.Sid === "CloudWatchAlarmsOfTheOrganizationsSpokes"), region).toEqual({
        Action: "sns:Publish",
        Condition: {
          StringEquals: { "aws:SourceOrgID": "o-a1b2c3d4e5" },
          ArnLike: { "aws:SourceArn": join(`:cloudwatch:${region}:*:alarm:vigil-org-example-spoke-*`) },
        },
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Resource: ref(topicId),
        Sid: "CloudWatchAlarmsOfTheOrganizationsSpokes",
      });
    }
  });
});

describe("Organization mode: self-audit", () => {
  const above = (finding: { severity: Parameters<typeof severityRank>[0] }) => severityRank(finding.severity) > severityRank("LOW");

  function audited(): TemplateUnderAudit[] {
    const postureRoleArn = `arn:aws:iam::${TEST_ACCOUNT}:role/org-example-vigil-Monitor-${postureRoleId()}`;
    const spoke = (template: Record<string, unknown>, stackName: string): TemplateUnderAudit => ({
      stackName,
      region: HOME_REGION,
      account: MEMBER_ACCOUNT,
      template: template as TemplateUnderAudit["template"],
      parameters: { PostureRoleArn: postureRoleArn },
    });
    const remediating = { ...config, remediation: { enabled: true, olderThanDays: 90, dryRun: false } };
    return [
      ...templates.stacks.map((stack) => ({ stackName: stack.stackName, region: stack.region, account: TEST_ACCOUNT, template: stack.template as TemplateUnderAudit["template"] })),
      spoke(JSON.parse(stackSet().Properties?.TemplateBody as string), "vigil-org-example-spoke"),
      spoke(synthesizeSpokeTemplate(remediating, organization), "vigil-org-example-spoke-remediating"),
    ];
  }

  it("records every policy of every template, the spoke's and the bus policy included", () => {
    const stacks = audited();
    for (const stack of stacks) expect(unauditedPolicies(stack), stack.stackName).toEqual([]);
    const labels = stacks.flatMap(auditRecords).map((document) => document.label);
    expect(labels.filter((label) => label.includes("OrganizationPutsEvents"))).toEqual([
      `org-example-vigil-Monitor (${HOME_REGION})/OrganizationPutsEvents: resource policy, what it allows`,
      `org-example-vigil-Monitor (${HOME_REGION})/OrganizationPutsEvents: resource policy, who it lets in`,
    ]);
    expect(labels.filter((label) => label.startsWith("vigil-org-example-spoke (") && label.includes("AuditRole"))).toEqual([
      expect.stringMatching(/AuditRole88E97C2A: trust policy$/),
      expect.stringMatching(/AuditRole88E97C2A: inline policy PostureReads$/),
    ]);
  });

  it("finds nothing above LOW in any of them once the home account is trusted, and without that only the audit role's trust of it", async () => {
    const documents = audited().flatMap(auditRecords);
    const reported = (findings: Awaited<ReturnType<typeof auditFindings>>) =>
      findings.filter(above).map((finding) => `${finding.severity} ${finding.ruleId}: ${finding.document}: ${finding.summary}`);
    // Run as the organization's own Vigil would see it: the security account is one of its accounts, trusted.
    expect(reported(await auditFindings(documents, { trustedAccounts: [TEST_ACCOUNT] }))).toEqual([]);
    const untrusted = (await auditFindings(documents)).filter(above);
    expect(untrusted.map((finding) => [finding.ruleId, finding.document, finding.details?.accounts])).toEqual([
      ["trust-policy-external-account", "vigil-org-example-spoke (us-east-1)/AuditRole88E97C2A: trust policy", [TEST_ACCOUNT]],
      ["trust-policy-external-account", "vigil-org-example-spoke-remediating (us-east-1)/AuditRole88E97C2A: trust policy", [TEST_ACCOUNT]],
    ]);
  });
});

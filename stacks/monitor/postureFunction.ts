import type { OrganizationSettings, RemediationSettings } from "@vigil/monitor";
import { INDEX_NAMES } from "@vigil/store-dynamodb";
import { Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement, type Role } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { Cron } from "sst/constructs";
import type { postureEnvironment } from "../../functions/posture/environment.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import { exportsFindings } from "../stageConfig.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { publishFindingsStatements } from "./notifications.ts";
import { alarmOnFunction } from "./operations.ts";
import { organizationReadStatements, organizationVariable } from "./organizationReads.ts";
import { createVigilFunction } from "./vigilFunction.ts";

/** The credential report may take two minutes to build and throttled reads back off; the run's lease is 15. */
const TIMEOUT = Duration.minutes(10);
/** Organization mode reads every account, a few at a time: Lambda's longest run. */
const ORGANIZATION_TIMEOUT = Duration.minutes(15);

export interface PostureResources {
  findingsTable: ITable;
  topic: ITopic;
  topicKey: IKey;
}

/** What the posture role adds in organization mode: the organization it reads, and the state table its inventory is kept in. */
export interface PostureOrganization {
  settings: OrganizationSettings;
  stateTable: ITable;
}

/**
 * Exactly the reads readAccountSnapshot makes in one account (those IAM and CloudTrail offer no
 * resource scoping for on `*`, the others on the account's own policies, in the stack's account,
 * and any trail, since an organization trail's ARN names the management account), and, only when
 * the stage turns remediation on, listing users' access keys; updating them only when that is not
 * a dry run. The posture role holds them for its own account, and each spoke's audit role for its
 * account: one list, so the two cannot drift apart.
 */
export function accountReadStatements(scope: Construct, remediation: RemediationSettings): PolicyStatement[] {
  const stack = Stack.of(scope);
  const iam = (resource: string, account = stack.account) => stack.formatArn({ service: "iam", region: "", account, resource, resourceName: "*" });
  const statements = [
    new PolicyStatement({
      sid: "ReadAccountWideIam",
      actions: [
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:GetAccountPasswordPolicy",
        "iam:GetAccountSummary",
        "iam:ListPolicies",
        "iam:ListServerCertificates",
        "iam:GetAccountAuthorizationDetails",
        "iam:GetServiceLastAccessedDetails",
      ],
      resources: ["*"],
    }),
    // Access Advisor jobs for the account's users and roles (readServiceLastAccessed asks of no group or policy).
    new PolicyStatement({ sid: "GenerateAccessAdvisorReports", actions: ["iam:GenerateServiceLastAccessedDetails"], resources: [iam("user"), iam("role")] }),
    new PolicyStatement({ sid: "ReadCustomerPolicies", actions: ["iam:GetPolicyVersion", "iam:ListEntitiesForPolicy"], resources: [iam("policy")] }),
    new PolicyStatement({ sid: "ListAwsManagedPolicyEntities", actions: ["iam:ListEntitiesForPolicy"], resources: [iam("policy", "aws")] }),
    new PolicyStatement({ sid: "ListTrails", actions: ["cloudtrail:DescribeTrails"], resources: ["*"] }),
    new PolicyStatement({
      sid: "ReadTrails",
      actions: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
      resources: [stack.formatArn({ service: "cloudtrail", region: "*", account: "*", resource: "trail", resourceName: "*" })],
    }),
  ];
  if (remediation.enabled) {
    statements.push(
      new PolicyStatement({
        sid: "RemediateOldAccessKeys",
        actions: remediation.dryRun ? ["iam:ListAccessKeys"] : ["iam:ListAccessKeys", "iam:UpdateAccessKey"],
        resources: [iam("user")],
      }),
    );
  }
  return statements;
}

/**
 * What the scheduled posture function may do: the reads of its own account (accountReadStatements),
 * its findings (the byRule index is how it finds a check's stored findings), and publishing to the
 * findings topic. In organization mode also: reading the organization's tree, keeping the inventory
 * in the state table (a get and a put, as the inventory store does), and assuming the audit role of
 * any account of this organization (aws:ResourceOrgID: a role of that name elsewhere is refused).
 */
export function postureStatements(
  scope: Construct,
  resources: PostureResources,
  remediation: RemediationSettings,
  organization?: PostureOrganization,
): PolicyStatement[] {
  const statements = [
    ...accountReadStatements(scope, remediation),
    new PolicyStatement({
      sid: "StorePostureFindings",
      actions: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      resources: [resources.findingsTable.tableArn],
    }),
    new PolicyStatement({
      sid: "ListFindingsOfCheck",
      actions: ["dynamodb:Query"],
      resources: [`${resources.findingsTable.tableArn}/index/${INDEX_NAMES.ruleId}`],
    }),
    ...publishFindingsStatements(resources.topic, resources.topicKey),
  ];
  if (organization) {
    const { settings, stateTable } = organization;
    statements.push(
      ...organizationReadStatements(scope, settings),
      new PolicyStatement({ sid: "KeepOrganizationInventory", actions: ["dynamodb:GetItem", "dynamodb:PutItem"], resources: [stateTable.tableArn] }),
      new PolicyStatement({
        sid: "AssumeAuditRoles",
        actions: ["sts:AssumeRole"],
        resources: [Stack.of(scope).formatArn({ service: "iam", region: "", account: "*", resource: "role", resourceName: settings.auditRoleName })],
        conditions: { StringEquals: { "aws:ResourceOrgID": settings.id } },
      }),
    );
  }
  return statements;
}

/**
 * The posture run, on the stage's schedule: checks the account (in organization mode, every account
 * of the organization), updates the findings of its checks and publishes a digest. Returns its
 * role, which the spokes' audit roles trust.
 */
export function createPostureFunction(scope: Construct, monitor: MonitorResources): Role {
  const { config, findingsTable, stateTable, findingsTopic, opsTopic } = monitor;
  const organization = config.organization ? { settings: config.organization, stateTable } : undefined;
  const posture = createVigilFunction(
    scope,
    "Posture",
    {
      handler: "functions/posture.handler",
      service: "posture",
      description: "Runs the scheduled posture checks of the account, updates their findings and publishes a digest",
      timeout: organization ? ORGANIZATION_TIMEOUT : TIMEOUT,
      memorySize: 512,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        TOPIC_ARN: findingsTopic.topic.topicArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: String(config.retentionDays),
        EXPORT_CHANGES: String(exportsFindings(config)),
        REMEDIATION: JSON.stringify(config.remediation),
        ACCESS_ADVISOR_JOBS_PER_RUN: String(config.accessAdvisorJobsPerRun),
        ...(organization ? { ORGANIZATION: organizationVariable(organization.settings), STATE_TABLE_NAME: stateTable.tableName } : {}),
      } satisfies EnvironmentVariables<typeof postureEnvironment>,
      statements: postureStatements(scope, { findingsTable, topic: findingsTopic.topic, topicKey: findingsTopic.key }, config.remediation, organization),
    },
    config,
  );
  new Cron(scope, "PostureSchedule", { schedule: config.postureSchedule, job: { function: posture.fn } });
  alarmOnFunction(scope, "Posture", posture.fn, opsTopic);
  return posture.role;
}

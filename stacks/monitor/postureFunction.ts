import type { RemediationSettings } from "@vigil/monitor";
import { INDEX_NAMES } from "@vigil/store-dynamodb";
import { Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { Cron } from "sst/constructs";
import type { postureEnvironment } from "../../functions/posture/environment.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { publishFindingsStatements } from "./notifications.ts";
import { alarmOnFunction } from "./operations.ts";
import { createVigilFunction } from "./vigilFunction.ts";

/** The credential report may take two minutes to build and throttled reads back off; the run's lease is 15. */
const TIMEOUT = Duration.minutes(10);

export interface PostureResources {
  findingsTable: ITable;
  topic: ITopic;
  topicKey: IKey;
}

/**
 * What the scheduled posture function may do: exactly the reads readAccountSnapshot makes (those
 * IAM and CloudTrail offer no resource scoping for on `*`, the others on this account's policies
 * and any trail, since an organization trail's ARN names the management account), its findings
 * (the byRule index is how it finds a check's stored findings), publishing to the findings topic,
 * and, only when the stage turns remediation on, listing users' access keys; updating them only
 * when that is not a dry run.
 */
export function postureStatements(scope: Construct, resources: PostureResources, remediation: RemediationSettings): PolicyStatement[] {
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
      ],
      resources: ["*"],
    }),
    new PolicyStatement({ sid: "ReadCustomerPolicies", actions: ["iam:GetPolicyVersion", "iam:ListEntitiesForPolicy"], resources: [iam("policy")] }),
    new PolicyStatement({ sid: "ListAwsManagedPolicyEntities", actions: ["iam:ListEntitiesForPolicy"], resources: [iam("policy", "aws")] }),
    new PolicyStatement({ sid: "ListTrails", actions: ["cloudtrail:DescribeTrails"], resources: ["*"] }),
    new PolicyStatement({
      sid: "ReadTrails",
      actions: ["cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"],
      resources: [stack.formatArn({ service: "cloudtrail", region: "*", account: "*", resource: "trail", resourceName: "*" })],
    }),
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

/** The posture run, on the stage's schedule: checks the account, updates the findings of its checks and publishes a digest. */
export function createPostureFunction(scope: Construct, monitor: MonitorResources): void {
  const { config, findingsTable, findingsTopic, opsTopic } = monitor;
  const posture = createVigilFunction(
    scope,
    "Posture",
    {
      handler: "functions/posture.handler",
      service: "posture",
      description: "Runs the scheduled posture checks of the account, updates their findings and publishes a digest",
      timeout: TIMEOUT,
      memorySize: 512,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        TOPIC_ARN: findingsTopic.topic.topicArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: String(config.retentionDays),
        REMEDIATION: JSON.stringify(config.remediation),
      } satisfies EnvironmentVariables<typeof postureEnvironment>,
      statements: postureStatements(scope, { findingsTable, topic: findingsTopic.topic, topicKey: findingsTopic.key }, config.remediation),
    },
    config,
  );
  new Cron(scope, "PostureSchedule", { schedule: config.postureSchedule, job: { function: posture.fn } });
  alarmOnFunction(scope, "Posture", posture.fn, opsTopic);
}

import { INDEX_NAMES, PENDING_NOTIFICATION_INDEX } from "@vigil/store-dynamodb";
import { ArnFormat, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { TOPIC_KEY_USE } from "./topicKey.ts";

/**
 * What each function may do, statement by statement: no `grant*` helper and no wildcard action
 * beyond the KMS data-key family, so that every action and resource is visible here and in the
 * stack tests. Queue consumption is added by the SQS event source, scoped to its own queue.
 */

function publish(topic: ITopic, key: IKey): PolicyStatement[] {
  return [
    new PolicyStatement({ sid: "PublishFindings", actions: ["sns:Publish"], resources: [topic.topicArn] }),
    new PolicyStatement({ sid: "EncryptForFindingsTopic", actions: TOPIC_KEY_USE, resources: [key.keyArn] }),
  ];
}

export interface EvaluateResources {
  findingsTable: ITable;
  stateTable: ITable;
  topic: ITopic;
  topicKey: IKey;
}

/**
 * Stores findings (a conditional put; a read when it meets one already stored) and records their
 * delivery, keeps threshold windows in the state table (read, conditional put), publishes new
 * findings, and reads the IAM policies CloudTrail left out of a record (read-only calls, on this
 * account's identities and policies). The handler tests hold every request evaluate sends to
 * these statements (test/functions/functionRoles.ts).
 */
export function evaluateStatements(scope: Construct, resources: EvaluateResources): PolicyStatement[] {
  const stack = Stack.of(scope);
  const iam = (resource: string) => stack.formatArn({ service: "iam", region: "", resource, resourceName: "*" });
  return [
    new PolicyStatement({
      sid: "StoreFindings",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      resources: [resources.findingsTable.tableArn],
    }),
    new PolicyStatement({
      sid: "KeepThresholdWindows",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem"],
      resources: [resources.stateTable.tableArn],
    }),
    ...publish(resources.topic, resources.topicKey),
    new PolicyStatement({ sid: "ReadManagedPolicies", actions: ["iam:GetPolicyVersion"], resources: [iam("policy")] }),
    new PolicyStatement({ sid: "ReadUserPolicies", actions: ["iam:GetUserPolicy"], resources: [iam("user")] }),
    new PolicyStatement({ sid: "ReadGroupPolicies", actions: ["iam:GetGroupPolicy"], resources: [iam("group")] }),
    new PolicyStatement({ sid: "ReadRolePolicies", actions: ["iam:GetRole", "iam:GetRolePolicy"], resources: [iam("role")] }),
  ];
}

export interface NotifySlackResources {
  findingsTable: ITable;
  /** The SSM parameter name, `/vigil/slack-webhook`. */
  webhookParameter: string;
}

/** The SSM parameter ARN of a parameter name (names start with `/`). */
function parameterArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: "ssm", resource: "parameter", resourceName: name.replace(/^\//, "") });
}

/**
 * Reads the webhook parameter and decrypts it, only through SSM and only for that parameter
 * (Parameter Store puts the parameter's ARN in the encryption context), and records the Slack
 * delivery on the finding.
 */
export function notifySlackStatements(scope: Construct, resources: NotifySlackResources): PolicyStatement[] {
  const stack = Stack.of(scope);
  const parameter = parameterArn(scope, resources.webhookParameter);
  return [
    // GetParameters, not GetParameter: the middy ssm middleware batches its reads into that call.
    new PolicyStatement({ sid: "ReadWebhookParameter", actions: ["ssm:GetParameters"], resources: [parameter] }),
    new PolicyStatement({
      sid: "DecryptWebhookParameter",
      actions: ["kms:Decrypt"],
      resources: [stack.formatArn({ service: "kms", resource: "key", resourceName: "*", arnFormat: ArnFormat.SLASH_RESOURCE_NAME })],
      conditions: {
        StringEquals: { "kms:ViaService": `ssm.${stack.region}.amazonaws.com`, "kms:EncryptionContext:PARAMETER_ARN": parameter },
      },
    }),
    new PolicyStatement({
      sid: "RecordSlackDelivery",
      actions: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
      resources: [resources.findingsTable.tableArn],
    }),
  ];
}

export interface RetryResources {
  findingsTable: ITable;
  topic: ITopic;
  topicKey: IKey;
}

/**
 * Lists the findings whose notification is pending (a Query of the sparse index), claims and
 * re-publishes them; lists the suppressed findings (a Query of the status index) and reopens the
 * ones whose suppression has ended.
 */
export function retryStatements(resources: RetryResources): PolicyStatement[] {
  return [
    new PolicyStatement({
      sid: "ListPendingNotifications",
      actions: ["dynamodb:Query"],
      resources: [`${resources.findingsTable.tableArn}/index/${PENDING_NOTIFICATION_INDEX}`],
    }),
    new PolicyStatement({
      sid: "ListSuppressedFindings",
      actions: ["dynamodb:Query"],
      resources: [`${resources.findingsTable.tableArn}/index/${INDEX_NAMES.status}`],
    }),
    new PolicyStatement({
      sid: "ClaimDeliveriesAndReopenFindings",
      actions: ["dynamodb:UpdateItem"],
      resources: [resources.findingsTable.tableArn],
    }),
    ...publish(resources.topic, resources.topicKey),
  ];
}

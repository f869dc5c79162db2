import { ArnFormat, Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import type { notifySlackEnvironment } from "../../functions/notifySlack/environment.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import type { StageConfig } from "../stageConfig.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { createSlackQueue } from "./notifications.ts";
import { alarmOnDeadLetters, alarmOnFunction } from "./operations.ts";
import { queueEventSource } from "./queues.ts";
import { createVigilFunction } from "./vigilFunction.ts";

const TIMEOUT = Duration.seconds(30);

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

/**
 * The Slack consumer, on stages with a Slack channel: the Slack queue takes the findings and
 * digests at the channel's minimum, and the function posts them to the webhook. Dead letters and
 * its errors and throttles alarm on the ops topic.
 */
export function createNotifySlackFunction(scope: Construct, monitor: MonitorResources, slack: NonNullable<StageConfig["slack"]>): void {
  const { config, findingsTable, findingsTopic, opsTopic } = monitor;
  const slackQueue = createSlackQueue(scope, findingsTopic.topic, slack.minSeverity, TIMEOUT);
  const notifySlack = createVigilFunction(
    scope,
    "NotifySlack",
    {
      handler: "functions/notifySlack.handler",
      service: "notify-slack",
      description: "Posts findings from the Slack queue to the Slack webhook",
      timeout: TIMEOUT,
      memorySize: 256,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        SLACK_WEBHOOK_PARAMETER: slack.webhookParameter,
      } satisfies EnvironmentVariables<typeof notifySlackEnvironment>,
      statements: notifySlackStatements(scope, { findingsTable, webhookParameter: slack.webhookParameter }),
    },
    config,
  );
  notifySlack.fn.addEventSource(queueEventSource(slackQueue.queue));
  alarmOnDeadLetters(scope, "SlackQueue", slackQueue.deadLetters, opsTopic);
  alarmOnFunction(scope, "NotifySlack", notifySlack.fn, opsTopic);
}

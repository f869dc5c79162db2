import { INDEX_NAMES, PENDING_NOTIFICATION_INDEX } from "@vigil/store-dynamodb";
import { Duration } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import { Cron } from "sst/constructs";
import type { retryNotificationsEnvironment } from "../../functions/retryNotifications/environment.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import { exportsFindings } from "../stageConfig.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { publishFindingsStatements } from "./notifications.ts";
import { RETRY_METRICS } from "../../functions/retryNotifications/metrics.ts";
import { alarmOnFunction, alarmWhenAbove, vigilMetric } from "./operations.ts";
import { createVigilFunction } from "./vigilFunction.ts";

const TIMEOUT = Duration.seconds(60);
const SCHEDULE = "rate(5 minutes)";
const SERVICE = "retry-notifications";
/** Three sweeps in a row that could not publish: SNS, the topic or its key is broken, not busy for a moment. */
const FAILING_SWEEPS = 3;
/** A finding undelivered this long after it was detected has missed the people it was for. */
const MAX_UNDELIVERED_AGE_SECONDS = 3600;

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
    ...publishFindingsStatements(resources.topic, resources.topicKey),
  ];
}

/** The sweep, every five minutes: re-publishes findings whose notification failed and reopens findings whose suppression ended. */
export function createRetryNotificationsFunction(scope: Construct, monitor: MonitorResources): void {
  const { config, findingsTable, findingsTopic, opsTopic } = monitor;
  const retry = createVigilFunction(
    scope,
    "RetryNotifications",
    {
      handler: "functions/retryNotifications.handler",
      service: SERVICE,
      description: "Re-publishes findings whose notification failed",
      timeout: TIMEOUT,
      memorySize: 256,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        TOPIC_ARN: findingsTopic.topic.topicArn,
        EXPORT_CHANGES: String(exportsFindings(config)),
      } satisfies EnvironmentVariables<typeof retryNotificationsEnvironment>,
      statements: retryStatements({ findingsTable, topic: findingsTopic.topic, topicKey: findingsTopic.key }),
    },
    config,
  );
  new Cron(scope, "RetrySchedule", { schedule: SCHEDULE, job: { function: retry.fn } });
  alarmOnFunction(scope, "RetryNotifications", retry.fn, opsTopic);
  alarmWhenAbove(
    scope,
    "NotificationFailuresAlarm",
    vigilMetric(SERVICE, RETRY_METRICS.notificationFailures, "Sum"),
    0,
    FAILING_SWEEPS,
    `The retry sweep could not publish findings ${FAILING_SWEEPS} times in a row: check the findings topic, its KMS key and the sweep's logs.`,
    opsTopic,
  );
  alarmWhenAbove(
    scope,
    "UndeliveredFindingsAgeAlarm",
    vigilMetric(SERVICE, RETRY_METRICS.oldestUndeliveredAge, "Maximum"),
    MAX_UNDELIVERED_AGE_SECONDS,
    1,
    `A finding has waited more than ${MAX_UNDELIVERED_AGE_SECONDS / 60} minutes for its notification: nobody has been told of it.`,
    opsTopic,
  );
}

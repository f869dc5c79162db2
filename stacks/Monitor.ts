import { FINDINGS_TABLE, STATE_TABLE } from "@vigil/store-dynamodb";
import { Duration } from "aws-cdk-lib";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { Cron, type StackContext } from "sst/constructs";
import { apiEnvironment } from "../functions/api/environment.ts";
import { evaluateEnvironment } from "../functions/evaluate/environment.ts";
import { notifySlackEnvironment } from "../functions/notifySlack/environment.ts";
import { postureEnvironment } from "../functions/posture/environment.ts";
import { retryNotificationsEnvironment } from "../functions/retryNotifications/environment.ts";
import type { EnvironmentVariables } from "../functions/shared/env.ts";
import { stageConfigOf } from "./appConfig.ts";
import { createCloudTrailRules, patternsFor } from "./cloudTrailRules.ts";
import { API_TIMEOUT, apiStatements, createCursorSecret, createFindingsApis } from "./monitor/api.ts";
import { createFindingsTopic, createSlackQueue } from "./monitor/notifications.ts";
import { alarmOnDeadLetters, alarmOnFunction, alarmOnRuleFailures, createOpsTopic } from "./monitor/operations.ts";
import { evaluateStatements, notifySlackStatements, retryStatements } from "./monitor/permissions.ts";
import { postureStatements } from "./monitor/posture.ts";
import { createQueueWithDeadLetters } from "./monitor/queues.ts";
import { createTable } from "./monitor/tables.ts";
import { createVigilFunction } from "./monitor/vigilFunction.ts";

const EVALUATE_TIMEOUT = Duration.seconds(30);
const NOTIFY_SLACK_TIMEOUT = Duration.seconds(30);
const RETRY_TIMEOUT = Duration.seconds(60);
/** The credential report may take two minutes to build and throttled reads back off; the run's lease is 15. */
const POSTURE_TIMEOUT = Duration.minutes(10);
/** SQS messages per invocation; failed ones are reported one by one (ReportBatchItemFailures). */
const BATCH_SIZE = 10;
const RETRY_SCHEDULE = "rate(5 minutes)";

/**
 * The monitor, in the home region: CloudTrail events from the default bus (this region's and what
 * the forwarders send) queue for the evaluate function, which stores findings and publishes new
 * ones to the findings topic; emails and the Slack queue subscribe to it with severity filters, and
 * a sweep re-publishes findings whose notification failed. On its own schedule the posture function
 * checks the account's state and publishes a digest. Dead letters, function errors and
 * throttles, and undeliverable events alarm on the ops topic.
 */
export function Monitor({ stack, app }: StackContext) {
  const config = stageConfigOf(app);
  const findingsTable = createTable(stack, "FindingsTable", FINDINGS_TABLE, config);
  const stateTable = createTable(stack, "StateTable", STATE_TABLE, config);
  const { topic, key: topicKey } = createFindingsTopic(stack, config);
  const opsTopic = createOpsTopic(stack, config);
  const retentionDays = String(config.retentionDays);

  const events = createQueueWithDeadLetters(stack, "EventsQueue", EVALUATE_TIMEOUT);
  const rules = createCloudTrailRules(stack, patternsFor(config), new SqsQueue(events.queue));

  const evaluate = createVigilFunction(
    stack,
    "Evaluate",
    {
      handler: "functions/evaluate.handler",
      service: "evaluate",
      description: "Evaluates CloudTrail events against the Vigil rules, stores and publishes findings",
      timeout: EVALUATE_TIMEOUT,
      memorySize: 1024,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        STATE_TABLE_NAME: stateTable.tableName,
        TOPIC_ARN: topic.topicArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: retentionDays,
      } satisfies EnvironmentVariables<typeof evaluateEnvironment>,
    },
    config,
  );
  for (const statement of evaluateStatements(stack, { findingsTable, stateTable, topic, topicKey })) evaluate.role.addToPrincipalPolicy(statement);
  evaluate.fn.addEventSource(new SqsEventSource(events.queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true }));

  const retry = createVigilFunction(
    stack,
    "RetryNotifications",
    {
      handler: "functions/retryNotifications.handler",
      service: "retry-notifications",
      description: "Re-publishes findings whose notification failed",
      timeout: RETRY_TIMEOUT,
      memorySize: 256,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        TOPIC_ARN: topic.topicArn,
        RETENTION_DAYS: retentionDays,
      } satisfies EnvironmentVariables<typeof retryNotificationsEnvironment>,
    },
    config,
  );
  for (const statement of retryStatements({ findingsTable, topic, topicKey })) retry.role.addToPrincipalPolicy(statement);
  new Cron(stack, "RetrySchedule", { schedule: RETRY_SCHEDULE, job: { function: retry.fn } });

  const posture = createVigilFunction(
    stack,
    "Posture",
    {
      handler: "functions/posture.handler",
      service: "posture",
      description: "Runs the scheduled posture checks of the account, updates their findings and publishes a digest",
      timeout: POSTURE_TIMEOUT,
      memorySize: 512,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        TOPIC_ARN: topic.topicArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: retentionDays,
        REMEDIATION: JSON.stringify(config.remediation),
      } satisfies EnvironmentVariables<typeof postureEnvironment>,
    },
    config,
  );
  for (const statement of postureStatements(stack, { findingsTable, topic, topicKey }, config.remediation)) posture.role.addToPrincipalPolicy(statement);
  new Cron(stack, "PostureSchedule", { schedule: config.postureSchedule, job: { function: posture.fn } });

  const cursorSecret = createCursorSecret(stack, config.production);
  const api = createVigilFunction(
    stack,
    "Api",
    {
      handler: "functions/api.handler",
      service: "api",
      description: "The findings API: lists, reads and triages findings",
      timeout: API_TIMEOUT,
      memorySize: 512,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        CURSOR_SECRET_ARN: cursorSecret.secretArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: retentionDays,
      } satisfies EnvironmentVariables<typeof apiEnvironment>,
    },
    config,
  );
  for (const statement of apiStatements(findingsTable, cursorSecret)) api.role.addToPrincipalPolicy(statement);
  const apis = createFindingsApis(stack, api.fn, config.api.jwt);

  const watched = [
    { id: "Evaluate", fn: evaluate.fn },
    { id: "Api", fn: api.fn },
    { id: "RetryNotifications", fn: retry.fn },
    { id: "Posture", fn: posture.fn },
  ];
  const deadLetterQueues = [{ id: "EventsQueue", queue: events.deadLetters }];

  if (config.slack) {
    const slack = createSlackQueue(stack, topic, config.slack.minSeverity, NOTIFY_SLACK_TIMEOUT);
    const notifySlack = createVigilFunction(
      stack,
      "NotifySlack",
      {
        handler: "functions/notifySlack.handler",
        service: "notify-slack",
        description: "Posts findings from the Slack queue to the Slack webhook",
        timeout: NOTIFY_SLACK_TIMEOUT,
        memorySize: 256,
        environment: {
          FINDINGS_TABLE_NAME: findingsTable.tableName,
          SLACK_WEBHOOK_PARAMETER: config.slack.webhookParameter,
          RETENTION_DAYS: retentionDays,
        } satisfies EnvironmentVariables<typeof notifySlackEnvironment>,
      },
      config,
    );
    const statements = notifySlackStatements(stack, { findingsTable, webhookParameter: config.slack.webhookParameter });
    for (const statement of statements) notifySlack.role.addToPrincipalPolicy(statement);
    notifySlack.fn.addEventSource(new SqsEventSource(slack.queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true }));
    watched.push({ id: "NotifySlack", fn: notifySlack.fn });
    deadLetterQueues.push({ id: "SlackQueue", queue: slack.deadLetters });
  }

  for (const { id, queue } of deadLetterQueues) alarmOnDeadLetters(stack, id, queue, opsTopic);
  for (const { id, fn } of watched) alarmOnFunction(stack, id, fn, opsTopic);
  for (const rule of rules) alarmOnRuleFailures(stack, rule, opsTopic);

  stack.addOutputs({
    FindingsTableName: findingsTable.tableName,
    FindingsTopicArn: topic.topicArn,
    OpsTopicArn: opsTopic.topicArn,
    ...Object.fromEntries(apis.map((httpApi) => [`${httpApi.node.id}Url`, httpApi.apiEndpoint])),
  });
  return { findingsTable, stateTable, topic, opsTopic, eventsQueue: events.queue };
}

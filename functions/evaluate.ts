import { SNSClient } from "@aws-sdk/client-sns";
import { catalogue, Engine, resolveConfig } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { EventEvaluator, type EventOutcome, InvalidMessageError, readEventMessage, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { DeliveryOutbox, DynamoWindowStore, FindingsTable, FindingWriter } from "@vigil/store-dynamodb";
import type { Context, SQSRecord } from "aws-lambda";
import { evaluateEnvironment } from "./evaluate/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { count, countBy } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { lazyActionIndex } from "./shared/lazyActionIndex.ts";
import { reportNotificationFailures } from "./shared/notificationFailures.ts";
import { logger, tracer } from "./shared/observability.ts";
import { sqsBatchHandler } from "./shared/sqsBatchHandler.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(evaluateEnvironment);
const now = () => new Date();
const client = documentClient();
const table = new FindingsTable({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, now });
const evaluator = new EventEvaluator({
  engine: new Engine({
    rules: catalogue,
    config: resolveConfig(env.VIGIL_CONFIG, catalogue),
    windows: new DynamoWindowStore({ client, tableName: env.STATE_TABLE_NAME, now }),
    now,
    actions: lazyActionIndex(loadActionIndex),
  }),
  store: new FindingWriter(table),
  delivery: new SnsDelivery({
    outbox: new DeliveryOutbox(table),
    publisher: new SnsNotifier({ client: tracer.captureAWSv3Client(new SNSClient({})), topicArn: env.TOPIC_ARN }),
  }),
  loadPolicyRestorer: async () => (await import("./shared/policyRestorer.ts")).restorePolicy,
});

type Correlation = { correlation_id?: string };

/** What an evaluated event shows: the count, its new findings by severity, what went wrong on the way, and one line naming them. */
function reportOutcome(outcome: EventOutcome, correlation: Correlation): void {
  count("EventsEvaluated");
  for (const finding of outcome.created) countBy("Findings", "severity", finding.severity);
  reportNotificationFailures(outcome.notifications.failed, correlation);
  if (outcome.policyFetchError) logger.warn("omitted policy document could not be fetched", { ...correlation, reason: outcome.policyFetchError });
  logger.info("event evaluated", {
    ...correlation,
    eventName: outcome.eventName,
    findings: outcome.findings.map((finding) => finding.id),
    created: outcome.created.length,
  });
}

/** One queued event of the invocation: evaluated and reported, or counted, logged and thrown so the queue retries it alone. */
const evaluateRecord = (context: Context) => async (record: SQSRecord) => {
  // The batch's records run in parallel, so each entry carries its own event id: a correlation id
  // set on the shared logger would label one record's entries with another's and be removed under it.
  let correlation: Correlation = {};
  try {
    const event = readEventMessage(record.body);
    correlation = { correlation_id: event.eventID };
    reportOutcome(await evaluator.evaluate(event, `${context.awsRequestId}/${record.messageId}`), correlation);
  } catch (error) {
    // The message fails alone: the queue retries it and after its last receive moves it to the DLQ.
    count(error instanceof InvalidMessageError ? "InvalidEvents" : "EvaluationErrors");
    logger.error("event not evaluated", { ...correlation, messageId: record.messageId, error: error as Error });
    throw error;
  }
};

export const handler = vigilHandler(sqsBatchHandler(evaluateRecord), { coldStartMetric: true });

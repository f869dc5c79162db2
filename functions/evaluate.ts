import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { SNSClient } from "@aws-sdk/client-sns";
import middy from "@middy/core";
import { catalogue, Engine, resolveConfig } from "@vigil/core";
import { loadActionCatalog } from "@vigil/iam-catalog";
import { EventEvaluator, InvalidMessageError, readEventMessage, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { DynamoWindowStore, FindingStore } from "@vigil/store-dynamodb";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { evaluateEnvironment } from "./evaluate/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { readEnv } from "./shared/env.ts";
import { lazyActionCatalog } from "./shared/lazyActionCatalog.ts";
import { logger, metrics, tracer } from "./shared/observability.ts";

const env = readEnv(evaluateEnvironment);
const now = () => new Date();
const client = documentClient();
const store = new FindingStore({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, now });
const evaluator = new EventEvaluator({
  engine: new Engine({
    rules: catalogue,
    config: resolveConfig(env.VIGIL_CONFIG, catalogue),
    windows: new DynamoWindowStore({ client, tableName: env.STATE_TABLE_NAME, now }),
    now,
    actions: lazyActionCatalog(loadActionCatalog),
  }),
  store,
  delivery: new SnsDelivery({
    store,
    publisher: new SnsNotifier({ client: tracer.captureAWSv3Client(new SNSClient({})), topicArn: env.TOPIC_ARN }),
    now,
  }),
  loadPolicyRestorer: async () => (await import("./shared/policyRestorer.ts")).restorePolicy,
  now,
});
const processor = new BatchProcessor(EventType.SQS);

async function evaluateRecord(record: SQSRecord, context: Context): Promise<void> {
  // The batch's records run in parallel, so each entry carries its own event id: a correlation id
  // set on the shared logger would label one record's entries with another's and be removed under it.
  let correlation: { correlation_id?: string } = {};
  try {
    const event = readEventMessage(record.body);
    correlation = { correlation_id: event.eventID };
    const outcome = await evaluator.evaluate(event, `${context.awsRequestId}/${record.messageId}`);
    metrics.addMetric("EventsEvaluated", MetricUnit.Count, 1);
    for (const finding of outcome.created) {
      const single = metrics.singleMetric();
      single.addDimension("severity", finding.severity);
      single.addMetric("Findings", MetricUnit.Count, 1);
    }
    if (outcome.notifications.failed.length > 0) {
      metrics.addMetric("NotificationFailures", MetricUnit.Count, outcome.notifications.failed.length);
      logger.warn("notifications failed; the retry sweep will publish them", {
        ...correlation,
        failed: outcome.notifications.failed.map(({ id, error }) => ({ id, error: (error as Error).message })),
      });
    }
    if (outcome.policyFetchError) logger.warn("omitted policy document could not be fetched", { ...correlation, reason: outcome.policyFetchError });
    logger.info("event evaluated", {
      ...correlation,
      eventName: outcome.eventName,
      findings: outcome.findings.map((finding) => finding.id),
      created: outcome.created.length,
    });
  } catch (error) {
    // The message fails alone: the queue retries it and after its last receive moves it to the DLQ.
    metrics.addMetric(error instanceof InvalidMessageError ? "InvalidEvents" : "EvaluationErrors", MetricUnit.Count, 1);
    logger.error("event not evaluated", { ...correlation, messageId: record.messageId, error: error as Error });
    throw error;
  }
}

const lambdaHandler = async (event: SQSEvent, context: Context) =>
  processPartialResponse(event, (record: SQSRecord) => evaluateRecord(record, context), processor, { context });

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));

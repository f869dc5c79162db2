import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SNSClient } from "@aws-sdk/client-sns";
import { OrganizationsInventorySource } from "@vigil/aws-iam";
import { catalogue, Engine, resolveConfig } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import {
  EventEvaluator,
  type EventOutcome,
  type InventoryUpdate,
  InvalidMessageError,
  OrganizationTracker,
  parseOrganizationSettings,
  readEventMessage,
  SnsDelivery,
} from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { DeliveryOutbox, DynamoWindowStore, FindingsTable, FindingWriter, OrganizationInventoryStore } from "@vigil/store-dynamodb";
import type { Context, SQSRecord } from "aws-lambda";
import { evaluateEnvironment } from "./evaluate/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { count, countBy } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { lazyActionIndex } from "./shared/lazyActionIndex.ts";
import { reportNotificationFailures } from "./shared/notificationFailures.ts";
import { warnExpiredIgnoreEntries } from "./shared/expiredIgnoreEntries.ts";
import { logger, tracer } from "./shared/observability.ts";
import { sqsBatchHandler } from "./shared/sqsBatchHandler.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(evaluateEnvironment);
const now = () => new Date();
const client = documentClient();
const table = new FindingsTable({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, exportChanges: env.EXPORT_CHANGES, now });
const organization = parseOrganizationSettings(env.ORGANIZATION, "environment: ORGANIZATION");
// Organization mode: each container keeps the inventory (state table, Organizations when it is out of date); one account otherwise.
const tracker =
  organization &&
  new OrganizationTracker({
    organizationId: organization.id,
    source: new OrganizationsInventorySource({ organizations: tracer.captureAWSv3Client(new OrganizationsClient({})), now }),
    cache: new OrganizationInventoryStore({ client, tableName: env.STATE_TABLE_NAME }),
    now,
  });
const config = resolveConfig(env.VIGIL_CONFIG, catalogue);
/** The expired ignore entries this container has warned about: once each, not once per batch. */
const warnedExpired = new Set<number>();
const evaluator = new EventEvaluator({
  engine: new Engine({
    rules: catalogue,
    config,
    windows: new DynamoWindowStore({ client, tableName: env.STATE_TABLE_NAME, now }),
    now,
    actions: lazyActionIndex(loadActionIndex),
    ...(tracker ? { organization: () => tracker.directory } : {}),
  }),
  store: new FindingWriter(table),
  delivery: new SnsDelivery({
    outbox: new DeliveryOutbox(table),
    publisher: new SnsNotifier({ client: tracer.captureAWSv3Client(new SNSClient({})), topicArn: env.TOPIC_ARN }),
  }),
  loadPolicyRestorer: async () => (await import("./shared/policyRestorer.ts")).restorePolicy,
  ...(tracker ? { organization: tracker } : {}),
});

type Correlation = { correlation_id?: string };

/** What an evaluated event shows: the count, its new findings by severity, what went wrong on the way, and one line naming them. */
function reportOutcome(outcome: EventOutcome, correlation: Correlation): void {
  count("EventsEvaluated");
  for (const finding of outcome.created) countBy("Findings", "severity", finding.severity);
  reportNotificationFailures(outcome.notifications.failed, correlation);
  if (outcome.policyFetchError) logger.warn("omitted policy document could not be fetched", { ...correlation, reason: outcome.policyFetchError });
  if (outcome.inventory) reportInventory(outcome.inventory, correlation);
  logger.info("event evaluated", {
    ...correlation,
    eventName: outcome.eventName,
    findings: outcome.findings.map((finding) => finding.id),
    created: outcome.created.length,
  });
}

/** Organization mode: reads of Organizations and failures to keep the inventory, counted and logged; evaluation went on either way. */
function reportInventory(update: InventoryUpdate, correlation: Correlation): void {
  if (update.refreshed) {
    count("OrganizationRefreshes");
    logger.info("organization inventory read anew", { ...correlation, reason: update.refreshed });
  }
  for (const failure of update.failures ?? []) {
    count("OrganizationRefreshFailures");
    logger.warn("organization inventory not brought up to date; evaluating with the one held", {
      ...correlation,
      stage: failure.stage,
      ...(failure.reason ? { reason: failure.reason } : {}),
      error: failure.error,
    });
  }
}

/**
 * The invocation's record handler; made once per batch, which is where the expired ignore entries
 * are looked at (a few comparisons, never per event). Each queued event is evaluated and reported,
 * or counted, logged and thrown so the queue retries it alone.
 */
const evaluateRecord = (context: Context) => {
  warnExpiredIgnoreEntries(config, now(), warnedExpired);
  return async (record: SQSRecord) => {
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
};

export const handler = vigilHandler(sqsBatchHandler(evaluateRecord), { coldStartMetric: true });

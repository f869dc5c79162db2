import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { SNSClient } from "@aws-sdk/client-sns";
import { SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { DeliveryOutbox, FindingsTable, FindingTriage } from "@vigil/store-dynamodb";
import type { Context } from "aws-lambda";
import { retryNotificationsEnvironment } from "./retryNotifications/environment.ts";
import { RETRY_METRICS } from "./retryNotifications/metrics.ts";
import { documentClient } from "./shared/clients.ts";
import { count } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { failureSummary } from "./shared/notificationFailures.ts";
import { logger, metrics, tracer } from "./shared/observability.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(retryNotificationsEnvironment);
const now = () => new Date();
// Only the parts it uses, so the bundle carries neither the writer's Finding schema nor the reader.
const table = new FindingsTable({ client: documentClient(), tableName: env.FINDINGS_TABLE_NAME, exportChanges: env.EXPORT_CHANGES, now });
const triage = new FindingTriage(table);
const delivery = new SnsDelivery({
  outbox: new DeliveryOutbox(table),
  publisher: new SnsNotifier({ client: tracer.captureAWSv3Client(new SNSClient({})), topicArn: env.TOPIC_ARN }),
});

/**
 * The sweep, on a schedule: publishes findings whose notification failed or whose publisher died,
 * then writes down the suppressions that have ended. Reads already show those as open; writing
 * them down keeps the suppressed partition, which every list of open findings also reads, small.
 */
const sweep = async (_event: unknown, context: Context) => {
  const report = await delivery.retryUndelivered(context.awsRequestId);
  count("NotificationsRetried", report.delivered.length);
  count(RETRY_METRICS.notificationFailures, report.failed.length);
  // 0 when nothing failed, so the alarm's datapoints say "healthy" rather than go missing.
  const ageSeconds = report.oldestFailedDetectedAt === undefined ? 0 : Math.max(0, Math.round((Date.now() - Date.parse(report.oldestFailedDetectedAt)) / 1000));
  metrics.addMetric(RETRY_METRICS.oldestUndeliveredAge, MetricUnit.Seconds, ageSeconds);
  if (report.failed.length > 0) logger.warn("notifications still failing; next sweep retries them", { failed: failureSummary(report.failed) });
  const reopened = await triage.reopenExpiredSuppressions();
  count("SuppressionsExpired", reopened.length);
  if (reopened.length > 0) logger.info("suppressions ended; the findings are open again", { findingIds: reopened });
  return { delivered: report.delivered.length, failed: report.failed.length, suppressionsExpired: reopened.length };
};

export const handler = vigilHandler(sweep);

import { SSMClient } from "@aws-sdk/client-ssm";
import ssm from "@middy/ssm";
import { SlackDelivery, type SlackOutcome } from "@vigil/monitor";
import { SlackWebhook } from "@vigil/notify";
import { DeliveryOutbox, FindingsTable } from "@vigil/store-dynamodb";
import type { Context, SQSRecord } from "aws-lambda";
import { notifySlackEnvironment } from "./notifySlack/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { count } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { logger } from "./shared/observability.ts";
import { sqsBatchHandler } from "./shared/sqsBatchHandler.ts";
import { NOTIFICATION_FAILURES } from "./shared/metricNames.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(notifySlackEnvironment);
const now = () => new Date();
const outbox = new DeliveryOutbox(new FindingsTable({ client: documentClient(), tableName: env.FINDINGS_TABLE_NAME, now }));

/** The webhook URL, decrypted by the ssm middleware into the context; it is a secret and never logged. */
type SlackContext = Context & { slackWebhookUrl: string };

/** What a handled message shows: posted or skipped as a duplicate, and which finding or digest it was. */
function reportOutcome(outcome: SlackOutcome): void {
  count(outcome.result === "posted" ? "SlackPosts" : "SlackDuplicatesSkipped");
  logger.info(
    "slack message handled",
    outcome.kind === "finding"
      ? { findingId: outcome.finding.id, eventId: outcome.finding.eventId, result: outcome.result }
      : { digest: { account: outcome.account, runAt: outcome.runAt }, result: outcome.result },
  );
}

/** One delivery per invocation, with the webhook URL the middleware has in the context for it. */
const postRecord = (context: SlackContext) => {
  let webhook: SlackWebhook | undefined;
  const delivery = new SlackDelivery({
    outbox,
    webhook: () => (webhook ??= new SlackWebhook({ url: context.slackWebhookUrl })),
  });
  return async (record: SQSRecord) => {
    try {
      reportOutcome(await delivery.deliver(record.body, `${context.awsRequestId}/${record.messageId}`));
    } catch (error) {
      count(NOTIFICATION_FAILURES);
      logger.error("slack delivery failed; the queue will retry it", { messageId: record.messageId, error: error as Error });
      throw error;
    }
  };
};

export const handler = vigilHandler(sqsBatchHandler(postRecord), { invocationErrorMessage: "invocation failed; the queue will redeliver the batch" }).use(
  ssm({
    AwsClient: SSMClient,
    fetchData: { slackWebhookUrl: env.SLACK_WEBHOOK_PARAMETER },
    setToContext: true,
    // Cached across invocations; a rotated URL is picked up within the hour.
    cacheExpiry: 60 * 60 * 1000,
    // Read in the first invocation, not while the module loads: a prefetch that fails (throttled,
    // parameter or key access missing) is an unhandled rejection that kills the container before
    // anything is logged; read in `before`, it fails that batch with the error logged, the queue
    // retries it, and the next invocation reads again.
    disablePrefetch: true,
  }),
);

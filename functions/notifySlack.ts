import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { SSMClient } from "@aws-sdk/client-ssm";
import middy from "@middy/core";
import ssm from "@middy/ssm";
import { SlackDelivery } from "@vigil/monitor";
import { SlackWebhook } from "@vigil/notify";
import { FindingStore } from "@vigil/store-dynamodb";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { notifySlackEnvironment } from "./notifySlack/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { readEnv } from "./shared/env.ts";
import { logInvocationError } from "./shared/logInvocationError.ts";
import { logger, metrics, tracer } from "./shared/observability.ts";

const env = readEnv(notifySlackEnvironment);
const now = () => new Date();
const store = new FindingStore({ client: documentClient(), tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, now });
const processor = new BatchProcessor(EventType.SQS);

/** The webhook URL, decrypted by the ssm middleware into the context; it is a secret and never logged. */
type SlackContext = Context & { slackWebhookUrl: string };

const lambdaHandler = async (event: SQSEvent, context: SlackContext) => {
  let webhook: SlackWebhook | undefined;
  const delivery = new SlackDelivery({
    store,
    webhook: () => (webhook ??= new SlackWebhook({ url: context.slackWebhookUrl })),
    now,
  });
  const postRecord = async (record: SQSRecord) => {
    try {
      const outcome = await delivery.deliver(record.body, `${context.awsRequestId}/${record.messageId}`);
      metrics.addMetric(outcome.result === "posted" ? "SlackPosts" : "SlackDuplicatesSkipped", MetricUnit.Count, 1);
      logger.info(
        "slack message handled",
        outcome.kind === "finding"
          ? { findingId: outcome.finding.id, eventId: outcome.finding.eventId, result: outcome.result }
          : { digest: { account: outcome.account, runAt: outcome.runAt }, result: outcome.result },
      );
    } catch (error) {
      metrics.addMetric("NotificationFailures", MetricUnit.Count, 1);
      logger.error("slack delivery failed; the queue will retry it", { messageId: record.messageId, error: error as Error });
      throw error;
    }
  };
  return processPartialResponse(event, postRecord, processor, { context });
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics))
  .use(logInvocationError(logger, "invocation failed; the queue will redeliver the batch"))
  .use(
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

import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { SNSClient } from "@aws-sdk/client-sns";
import middy from "@middy/core";
import { catalogue, resolveConfig } from "@vigil/core";
import { loadActionCatalog } from "@vigil/iam-catalog";
import { parseRemediationSettings, PostureRunner, SnsDelivery } from "@vigil/monitor";
import { SnsDigestPublisher, SnsNotifier } from "@vigil/notify";
import { FindingStore, PostureLifecycle } from "@vigil/store-dynamodb";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { postureEnvironment } from "./posture/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { readEnv } from "./shared/env.ts";
import { logger, metrics, tracer } from "./shared/observability.ts";

const env = readEnv({
  ...postureEnvironment,
  /** Set by Lambda: the region CloudTrail is read in. */
  AWS_REGION: z.string().min(1),
});
/** Longer than the function may run (15 minutes at most), so the retry sweep never takes a new finding from a run still going. */
const LEASE_MS = 15 * 60_000;

const now = () => new Date();
const client = documentClient();
const store = new FindingStore({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, now });
const sns = tracer.captureAWSv3Client(new SNSClient({}));
const runner = new PostureRunner({
  store,
  lifecycle: new PostureLifecycle({ store, client, resolvedRetentionDays: env.RETENTION_DAYS }),
  delivery: new SnsDelivery({ store, publisher: new SnsNotifier({ client: sns, topicArn: env.TOPIC_ARN }), now, leaseMs: LEASE_MS }),
  digests: new SnsDigestPublisher({ client: sns, topicArn: env.TOPIC_ARN }),
  iam: tracer.captureAWSv3Client(new IAMClient({})),
  cloudTrail: tracer.captureAWSv3Client(new CloudTrailClient({})),
  config: resolveConfig(env.VIGIL_CONFIG, catalogue),
  remediation: parseRemediationSettings(env.REMEDIATION, "environment: REMEDIATION"),
  actions: loadActionCatalog(),
  now,
});

/** The function's own account, from its ARN (`arn:aws:lambda:<region>:<account>:function:<name>`): the account it checks. */
function accountOf(functionArn: string): string {
  const account = functionArn.split(":")[4] ?? "";
  if (!/^\d{12}$/.test(account)) throw new Error(`invokedFunctionArn: expected a Lambda function ARN, got ${JSON.stringify(functionArn)}`);
  return account;
}

/** The scheduled posture run: checks the account, updates the stored findings, remediates if configured, and notifies. */
const lambdaHandler = async (_event: unknown, context: Context) => {
  const report = await runner.run({ account: accountOf(context.invokedFunctionArn), region: env.AWS_REGION, owner: context.awsRequestId });
  metrics.addMetric("PostureFindingsCreated", MetricUnit.Count, report.created.length);
  metrics.addMetric("PostureFindingsResolved", MetricUnit.Count, report.resolved.length);
  metrics.addMetric("PostureFindingsReopened", MetricUnit.Count, report.reopened.length);
  metrics.addMetric("PostureChecksSkipped", MetricUnit.Count, new Set(report.skipped.map((entry) => entry.checkId)).size);
  for (const action of report.remediation?.actions ?? []) {
    const single = metrics.singleMetric();
    single.addDimension("outcome", action.outcome);
    single.addMetric("RemediationActions", MetricUnit.Count, 1);
  }
  if (report.problems.length > 0) logger.warn("parts of the account could not be read; the checks needing them were skipped", { problems: report.problems });
  if (report.notifications.failed.length > 0) {
    metrics.addMetric("NotificationFailures", MetricUnit.Count, report.notifications.failed.length);
    logger.warn("notifications failed; the retry sweep will publish them", {
      failed: report.notifications.failed.map(({ id, error }) => ({ id, error: (error as Error).message })),
    });
  }
  const summary = {
    account: report.account,
    checksRun: report.checksRun.length,
    created: report.created.length,
    seenAgain: report.seenAgain.length,
    resolved: report.resolved.length,
    reopened: report.reopened.length,
    remediation: report.remediation?.actions.length ?? 0,
    digest: report.digest.published ? report.digest.messageId : null,
  };
  logger.info("posture run done", { ...summary, calls: report.calls, skipped: report.skipped });
  // The findings and their changes are stored and the new ones are left to the sweep; failing the
  // invocation is what makes the ops alarm say that the digest was not sent.
  if (!report.digest.published) {
    metrics.addMetric("DigestFailures", MetricUnit.Count, 1);
    logger.error("posture digest not published", { error: report.digest.error as Error });
    throw report.digest.error;
  }
  return summary;
};

export const handler = middy(lambdaHandler)
  .use(captureLambdaHandler(tracer))
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .use(logMetrics(metrics, { captureColdStartMetric: true }));

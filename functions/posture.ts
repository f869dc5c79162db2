import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { SNSClient } from "@aws-sdk/client-sns";
import { deactivateOldAccessKeys, readAccountSnapshot } from "@vigil/aws-iam";
import { catalogue, resolveConfig } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { parseRemediationSettings, type PostureRunReport, PostureRunner, SnsDelivery } from "@vigil/monitor";
import { SnsDigestPublisher, SnsNotifier } from "@vigil/notify";
import { createFindingStore } from "@vigil/store-dynamodb";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { postureEnvironment } from "./posture/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { count, countBy } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { reportNotificationFailures } from "./shared/notificationFailures.ts";
import { logger, tracer } from "./shared/observability.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv({
  ...postureEnvironment,
  /** Set by Lambda: the region CloudTrail is read in. */
  AWS_REGION: z.string().min(1),
});
/** Longer than the function may run (15 minutes at most), so the retry sweep never takes a new finding from a run still going. */
const LEASE_MS = 15 * 60_000;

const now = () => new Date();
const client = documentClient();
const store = createFindingStore({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, now });
const sns = tracer.captureAWSv3Client(new SNSClient({}));
const iam = tracer.captureAWSv3Client(new IAMClient({}));
const cloudTrail = tracer.captureAWSv3Client(new CloudTrailClient({}));
const runner = new PostureRunner({
  store: store.posture,
  outbox: store.outbox,
  delivery: new SnsDelivery({ outbox: store.outbox, publisher: new SnsNotifier({ client: sns, topicArn: env.TOPIC_ARN }), leaseMs: LEASE_MS }),
  digests: new SnsDigestPublisher({ client: sns, topicArn: env.TOPIC_ARN }),
  remediator: { deactivateOldAccessKeys: (options) => deactivateOldAccessKeys({ iam, ...options }) },
  config: resolveConfig(env.VIGIL_CONFIG, catalogue),
  remediation: parseRemediationSettings(env.REMEDIATION, "environment: REMEDIATION"),
  loadActions: loadActionIndex,
  now,
});

/** The function's own account, from its ARN (`arn:aws:lambda:<region>:<account>:function:<name>`): the account it checks. */
function accountOf(functionArn: string): string {
  const account = functionArn.split(":")[4] ?? "";
  if (!/^\d{12}$/.test(account)) throw new Error(`invokedFunctionArn: expected a Lambda function ARN, got ${JSON.stringify(functionArn)}`);
  return account;
}

/** What a run shows: its changes to the findings and remediations as counts, what it could not do, and a summary, which it returns. */
function reportRun(report: PostureRunReport) {
  count("PostureFindingsCreated", report.created.length);
  count("PostureFindingsResolved", report.resolved.length);
  count("PostureFindingsReopened", report.reopened.length);
  count("PostureChecksSkipped", new Set(report.skipped.map((entry) => entry.checkId)).size);
  for (const action of report.remediation?.actions ?? []) countBy("RemediationActions", "outcome", action.outcome);
  if (report.problems.length > 0) logger.warn("parts of the account could not be read; the checks needing them were skipped", { problems: report.problems });
  reportNotificationFailures(report.notifications.failed);
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
  return summary;
}

/** The scheduled posture run: checks the account, updates the stored findings, remediates if configured, and notifies. */
const run = async (_event: unknown, context: Context) => {
  const target = { iam, cloudTrail, account: accountOf(context.invokedFunctionArn), region: env.AWS_REGION, now: () => now().getTime() };
  const report = await runner.run({ reader: { read: () => readAccountSnapshot(target) }, owner: context.awsRequestId });
  const summary = reportRun(report);
  // The findings and their changes are stored and the new ones are left to the sweep; failing the
  // invocation is what makes the ops alarm say that the digest was not sent.
  if (!report.digest.published) {
    count("DigestFailures");
    logger.error("posture digest not published", { error: report.digest.error as Error });
    throw report.digest.error;
  }
  return summary;
};

export const handler = vigilHandler(run, { coldStartMetric: true });

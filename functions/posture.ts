import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import { AuditRoleAccess, accountHandle, deactivateOldAccessKeys, OrganizationsInventorySource, readAccountSnapshot } from "@vigil/aws-iam";
import { catalogue, ConfigError, resolveConfig } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import {
  OrganizationPostureRunner,
  type OrganizationRunReport,
  type OrganizationSettings,
  parseOrganizationSettings,
  parseRemediationSettings,
  type PostureRunReport,
  PostureRunner,
  SnsDelivery,
} from "@vigil/monitor";
import { SnsDigestPublisher, SnsNotifier, SnsOrganizationDigestPublisher } from "@vigil/notify";
import { createFindingStore, OrganizationInventoryStore, PostureReadLog } from "@vigil/store-dynamodb";
import type { Context } from "aws-lambda";
import * as z from "zod";
import { postureEnvironment } from "./posture/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { count, countBy } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { reportNotificationFailures } from "./shared/notificationFailures.ts";
import { warnExpiredIgnoreEntries } from "./shared/expiredIgnoreEntries.ts";
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
/** Each account's Access Advisor jobs at most (the stage's accessAdvisorJobsPerRun), rotating day by day. */
const accessAdvisor = { maxJobsPerRun: env.ACCESS_ADVISOR_JOBS_PER_RUN };
const client = documentClient();
const store = createFindingStore({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, exportChanges: env.EXPORT_CHANGES, now });
const sns = tracer.captureAWSv3Client(new SNSClient({}));
const iam = tracer.captureAWSv3Client(new IAMClient({}));
const cloudTrail = tracer.captureAWSv3Client(new CloudTrailClient({}));
const organization = parseOrganizationSettings(env.ORGANIZATION, "environment: ORGANIZATION");
const config = resolveConfig(env.VIGIL_CONFIG, catalogue);
const shared = {
  store: store.posture,
  outbox: store.outbox,
  delivery: new SnsDelivery({ outbox: store.outbox, publisher: new SnsNotifier({ client: sns, topicArn: env.TOPIC_ARN }), leaseMs: LEASE_MS }),
  config,
  remediation: parseRemediationSettings(env.REMEDIATION, "environment: REMEDIATION"),
  loadActions: loadActionIndex,
  now,
};
const runner = new PostureRunner({
  ...shared,
  digests: new SnsDigestPublisher({ client: sns, topicArn: env.TOPIC_ARN }),
  remediator: { deactivateOldAccessKeys: (options) => deactivateOldAccessKeys({ iam, ...options }) },
});
const organizationRunner = organization && organizationRunnerFor(organization, stateTableName());

/** Organization mode keeps its inventory and read log in the state table: refused at start without it. */
function stateTableName(): string {
  if (!env.STATE_TABLE_NAME) throw new ConfigError("environment: STATE_TABLE_NAME: required when ORGANIZATION is set");
  return env.STATE_TABLE_NAME;
}

function organizationRunnerFor(settings: OrganizationSettings, stateTable: string): OrganizationPostureRunner {
  const region = env.AWS_REGION;
  return new OrganizationPostureRunner({
    ...shared,
    organization: settings,
    source: new OrganizationsInventorySource({ organizations: tracer.captureAWSv3Client(new OrganizationsClient({})), now }),
    inventoryCache: new OrganizationInventoryStore({ client, tableName: stateTable }),
    readLog: new PostureReadLog({ client, tableName: stateTable, now }),
    members: new AuditRoleAccess({
      sts: tracer.captureAWSv3Client(new STSClient({})),
      roleName: settings.auditRoleName,
      region,
      clients: (credentials) => ({
        iam: tracer.captureAWSv3Client(new IAMClient({ region, credentials })),
        cloudTrail: tracer.captureAWSv3Client(new CloudTrailClient({ region, credentials })),
      }),
      now: () => now().getTime(),
      accessAdvisor,
    }),
    region,
    digests: new SnsOrganizationDigestPublisher({ client: sns, topicArn: env.TOPIC_ARN }),
  });
}

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

/** What an organization run shows: accounts read and not (and why), the findings' changes as counts, and a summary, which it returns. */
function reportOrganizationRun(report: OrganizationRunReport) {
  const total = (pick: (account: OrganizationRunReport["accounts"][number]) => readonly unknown[]) => report.accounts.reduce((sum, account) => sum + pick(account).length, 0);
  count("PostureAccountsRead", report.accounts.length);
  count("PostureAccountsNotRead", report.notRead.length);
  count("PostureFindingsCreated", total((account) => account.created));
  count("PostureFindingsResolved", total((account) => account.resolved));
  count("PostureFindingsReopened", total((account) => account.reopened));
  for (const action of report.accounts.flatMap((account) => account.remediation?.actions ?? [])) countBy("RemediationActions", "outcome", action.outcome);
  if (report.inventory.source === "cache") logger.error("Organizations could not be read; the run used the cached inventory", { error: report.inventory.error, refreshedAt: report.inventory.refreshedAt });
  for (const warning of report.warnings) logger.error(warning);
  if (report.notRead.length > 0) logger.warn("accounts not read; none of their findings changed", { notRead: report.notRead });
  const remediationErrors = report.accounts.filter((account) => account.remediationError).map(({ account, remediationError }) => ({ account, error: remediationError }));
  if (remediationErrors.length > 0) logger.error("remediation failed in some accounts", { remediationErrors });
  reportNotificationFailures(report.accounts.flatMap((account) => account.notifications.failed));
  const summary = {
    organization: report.organizationId,
    accountsRead: report.accounts.length,
    accountsNotRead: report.notRead.length,
    created: total((account) => account.created),
    resolved: total((account) => account.resolved),
    reopened: total((account) => account.reopened),
    digest: report.digest.published ? report.digest.messageId : null,
  };
  logger.info("organization posture run done", { ...summary, inventory: report.inventory.source });
  return summary;
}

/** The findings and their changes are stored and the new ones are left to the sweep; failing the invocation is what makes the ops alarm say that the digest was not sent. */
function failUnpublished(digest: PostureRunReport["digest"]): void {
  if (digest.published) return;
  count("DigestFailures");
  logger.error("posture digest not published", { error: digest.error as Error });
  throw digest.error;
}

/**
 * The scheduled posture run: checks the account (in organization mode, every account of the
 * organization), updates the stored findings, remediates if configured, and notifies.
 */
const run = async (_event: unknown, context: Context) => {
  // Once a run: a daily run's warning is the owner's daily reminder.
  warnExpiredIgnoreEntries(config, now());
  const account = accountOf(context.invokedFunctionArn);
  const timing = { region: env.AWS_REGION, now: () => now().getTime(), accessAdvisor };
  if (organizationRunner) {
    const home = { account, opened: accountHandle({ iam, cloudTrail }, { account, ...timing }) };
    const report = await organizationRunner.run({ owner: context.awsRequestId, home, remainingMs: () => context.getRemainingTimeInMillis() });
    const summary = reportOrganizationRun(report);
    failUnpublished(report.digest);
    return summary;
  }
  const target = { iam, cloudTrail, account, ...timing };
  const report = await runner.run({ reader: { read: () => readAccountSnapshot(target) }, owner: context.awsRequestId });
  const summary = reportRun(report);
  failUnpublished(report.digest);
  return summary;
};

export const handler = vigilHandler(run, { coldStartMetric: true });

import { MetricUnit } from "@aws-lambda-powertools/metrics";
import { S3Client } from "@aws-sdk/client-s3";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { STSClient } from "@aws-sdk/client-sts";
import { assumedRoleCredentials, MemberAccountClients, OwnAccountClients, S3OcsfWriter, SecurityHubImporter } from "@vigil/export";
import { type ExportTarget, FindingExport, OcsfTarget, SecurityHubTarget } from "@vigil/monitor";
import { EXPORT_SINKS, ExportOutbox, FindingsTable } from "@vigil/store-dynamodb";
import type { Context } from "aws-lambda";
import { exportFindingsEnvironment } from "./exportFindings/environment.ts";
import { EXPORT_METRICS } from "./exportFindings/metrics.ts";
import { documentClient } from "./shared/clients.ts";
import { count } from "./shared/countMetrics.ts";
import { readEnv } from "./shared/env.ts";
import { logger, metrics, tracer } from "./shared/observability.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(exportFindingsEnvironment);
const now = () => new Date();
/** The function's own account, from its ARN: Security Hub imports its findings without a role. */
const ownAccount = (context: Context) => context.invokedFunctionArn.split(":")[4] as string;
/** Stop starting rounds this long before the function's timeout: a round of 500 findings takes well under it. */
const ROUND_MARGIN_MS = 60_000;

const table = new FindingsTable({ client: documentClient(), tableName: env.FINDINGS_TABLE_NAME, now });

/** The configured targets, built on the first invocation (the own account comes from its context). */
let targets: ExportTarget[] | undefined;
function targetsFor(context: Context): ExportTarget[] {
  if (targets) return targets;
  targets = [];
  if (env.SECURITY_HUB_REGION) {
    const region = env.SECURITY_HUB_REGION;
    const client = tracer.captureAWSv3Client(new SecurityHubClient({ region }));
    const account = ownAccount(context);
    const clients = env.SECURITY_HUB_IMPORT_ROLE
      ? new MemberAccountClients({
          account,
          client,
          region,
          sts: tracer.captureAWSv3Client(new STSClient({})),
          roleName: env.SECURITY_HUB_IMPORT_ROLE,
          clientOf: (credentials, clientRegion) => tracer.captureAWSv3Client(new SecurityHubClient({ region: clientRegion, credentials })),
        })
      : new OwnAccountClients({ account, client });
    targets.push(new SecurityHubTarget(new SecurityHubImporter({ region, clients })));
  }
  if (env.OCSF_BUCKET) {
    const writeAs = env.OCSF_ROLE_ARN
      ? {
          credentials: assumedRoleCredentials({
            sts: tracer.captureAWSv3Client(new STSClient({})),
            roleArn: env.OCSF_ROLE_ARN,
            sessionName: "vigil-ocsf",
            ...(env.OCSF_EXTERNAL_ID ? { externalId: env.OCSF_EXTERNAL_ID } : {}),
          }),
        }
      : {};
    // An S3-compatible server named by AWS_ENDPOINT_URL_S3 is addressed by path: it has no bucket subdomains.
    const client = new S3Client({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3), ...writeAs });
    const writer = new S3OcsfWriter({ client: tracer.captureAWSv3Client(client), bucket: env.OCSF_BUCKET, prefix: env.OCSF_PREFIX ?? "", now });
    targets.push(new OcsfTarget(writer, env.VIGIL_VERSION));
  }
  return targets;
}

/**
 * The export sweep, on a schedule: every finding created or changed since the last sweep is sent
 * to Security Hub and written to S3 as OCSF, each where the stage configures it. What fails stays
 * pending for the next sweep; the age of the oldest change not exported is what the operator alarms on.
 */
const sweep = async (_event: unknown, context: Context) => {
  const configured = targetsFor(context);
  const exporter = new FindingExport({ queue: new ExportOutbox(table, configured.map(({ sink }) => sink)), targets: configured });
  const report = await exporter.sweep({ owner: context.awsRequestId, keepGoing: () => context.getRemainingTimeInMillis() > ROUND_MARGIN_MS });
  for (const sink of EXPORT_SINKS) {
    const outcome = report.sinks[sink];
    if (!outcome) continue;
    count(EXPORT_METRICS.exported[sink], outcome.sent);
    count(EXPORT_METRICS.failures[sink], outcome.failed.length);
    if (outcome.failed.length > 0) logger.warn("findings not exported; the next sweep sends them again", { sink, failed: outcome.failed.slice(0, 20), failedCount: outcome.failed.length });
  }
  // 0 when nothing failed, so the alarm's datapoints say "healthy" rather than go missing.
  const ageSeconds = report.oldestFailedChangeAt === undefined ? 0 : Math.max(0, Math.round((Date.now() - Date.parse(report.oldestFailedChangeAt)) / 1000));
  metrics.addMetric(EXPORT_METRICS.oldestUnexportedAge, MetricUnit.Seconds, ageSeconds);
  if (report.lost > 0) logger.warn("findings taken over by another sweep after this one's lease ran out", { lost: report.lost });
  return { claimed: report.claimed, done: report.done, pending: report.pending, busy: report.busy, lost: report.lost };
};

export const handler = vigilHandler(sweep);

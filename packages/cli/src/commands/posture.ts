import { parseArgs } from "node:util";
import { atLeast, catalogue, type Finding } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { type AccountRead, DEFAULT_AUDIT_ROLE_NAME, runPostureOnce } from "@vigil/monitor";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { loadConfig } from "../loadConfig.ts";
import { DEFAULT_STORE_DIR, openStore } from "../openStore.ts";
import { SeverityCounts } from "../output/SeverityCounts.ts";
import { describeProblems, describeSkipped } from "../posture/describeSkipped.ts";
import { FINDINGS_RUN_OPTIONS, FORMATS_USAGE, findingsRunOutput, plural } from "../options.ts";
import { concurrencyOption, nowOption, regionOption, roleNameOption } from "../posture/options.ts";
import { organizationPosture } from "../posture/organizationPosture.ts";
import { readLiveSnapshot } from "../posture/readLiveSnapshot.ts";
import { readSnapshotFiles } from "../posture/readSnapshotFiles.ts";
import { writePostureFindings } from "../output/postureOutput.ts";

export const POSTURE_USAGE = `Usage: vigil posture [--region REGION] [options]
       vigil posture --organization [--role-name NAME] [--concurrency N] [--region REGION] [options]
       vigil posture --credential-report FILE [--password-policy FILE|none] [--account-summary FILE]
                     [--authorization-details FILE] [--last-accessed ARN=FILE]...
                     [--account ID] [--now TIME] [options]

Runs the scheduled posture checks (root, MFA, keys, password policy, trails, ...) once and prints
the findings. With AWS credentials (read-only is enough) it reads the account they belong to;
with --credential-report it reads files downloaded with the AWS CLI instead:
  aws iam get-credential-report --query Content --output text | base64 -d > report.csv
  aws iam get-account-password-policy > policy.json
  aws iam get-account-summary > summary.json
  aws iam get-account-authorization-details > details.json
  aws iam generate-service-last-accessed-details --arn ARN --granularity ACTION_LEVEL   # a JobId
  aws iam get-service-last-accessed-details --job-id JOB > last-accessed.json           # once COMPLETED
Checks whose input is missing are skipped and listed on stderr.
With --organization it checks every ACTIVE account of your AWS Organization (run it with the
management account's or a delegated administrator's credentials): your own account with your
credentials, each other one through the role --role-name names, which must trust you (Vigil's
VigilAudit trusts only the deployed posture function; OrganizationAccountAccessRole is a common
choice from the management account). Accounts that cannot be read are listed with the reason.

Options:
  --format FORMAT           table, json, asff or ocsf (default: table; see Formats below)
  --min-severity LEVEL      print findings at or above LEVEL (CRITICAL, HIGH, MEDIUM, LOW, INFO)
  --fail-on LEVEL           exit 1 when any finding is at or above LEVEL
  --config FILE             JSON configuration (check thresholds, ignored principals)
  --store DIR|memory        where findings are kept (default: ${DEFAULT_STORE_DIR}); memory keeps none
  --region REGION           the region to read CloudTrail in (default: your AWS config; offline: us-east-1)
  --credential-report FILE  check the downloaded credential report (CSV) instead of the live account
  --password-policy FILE    with --credential-report: get-account-password-policy's JSON; none if the
                            account has no policy (without the option, that check is skipped)
  --account-summary FILE    with --credential-report: get-account-summary's JSON
  --authorization-details FILE
                            with --credential-report: get-account-authorization-details' JSON
                            (role-unused, user-unused; with --last-accessed, the Access Advisor checks)
  --last-accessed ARN=FILE  with --credential-report: get-service-last-accessed-details' JSON for
                            the user or role ARN (repeat for each principal; the checks judge only these)
  --account ID              with --credential-report: the account (default: the report's ARNs)
  --now TIME                with --credential-report: the instant ages are measured from (ISO 8601;
                            default: now), so a run over the same files is reproducible
  --organization            check every account of the organization (see above)
  --role-name NAME          with --organization: the role to assume in each account (default: ${DEFAULT_AUDIT_ROLE_NAME})
  --concurrency N           with --organization: accounts read at once, 1 to 100 (default: 10)

${FORMATS_USAGE}
`;

/** IAM is global; its CloudTrail events are recorded in us-east-1, so offline findings say that. */
const OFFLINE_REGION = "us-east-1";

interface Source {
  account: AccountRead;
  /** How the summary line names where the snapshot came from. */
  read: string;
  offline: boolean;
}

export async function postureCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...FINDINGS_RUN_OPTIONS,
      store: { type: "string", default: DEFAULT_STORE_DIR },
      region: { type: "string" },
      "credential-report": { type: "string" },
      "password-policy": { type: "string" },
      "account-summary": { type: "string" },
      "authorization-details": { type: "string" },
      "last-accessed": { type: "string", multiple: true },
      account: { type: "string" },
      now: { type: "string" },
      organization: { type: "boolean", default: false },
      "role-name": { type: "string" },
      concurrency: { type: "string" },
    },
  });
  if (values.help) {
    io.stdout.write(POSTURE_USAGE);
    return 0;
  }
  const { format, minSeverity, failOn } = findingsRunOutput(values);
  const region = regionOption(values.region);
  const reportFile = values["credential-report"];
  const offlineOnly = (["password-policy", "account-summary", "authorization-details", "last-accessed", "account", "now"] as const).filter((option) => values[option] !== undefined);
  if (reportFile === undefined && offlineOnly.length > 0) throw new UsageError(`${offlineOnly.map((option) => `--${option}`).join(", ")} go${offlineOnly.length === 1 ? "es" : ""} with --credential-report`);
  const organizationOnly = (["role-name", "concurrency"] as const).filter((option) => values[option] !== undefined);
  if (!values.organization && organizationOnly.length > 0) throw new UsageError(`${organizationOnly.map((option) => `--${option}`).join(", ")} go${organizationOnly.length === 1 ? "es" : ""} with --organization`);
  if (values.organization && reportFile !== undefined) throw new UsageError("--organization reads the accounts live; it does not go with --credential-report");
  const now = nowOption(values.now);
  const config = await loadConfig(values.config, catalogue);
  if (values.organization) {
    return organizationPosture(io, {
      region,
      roleName: roleNameOption(values["role-name"]),
      concurrency: concurrencyOption(values.concurrency),
      store: values.store,
      config,
      output: { format, minSeverity, failOn },
    });
  }

  const started = Date.now();
  let source: Source;
  if (reportFile !== undefined) {
    const { snapshot, report } = await readSnapshotFiles({
      credentialReport: reportFile,
      ...(values["password-policy"] !== undefined ? { passwordPolicy: values["password-policy"] } : {}),
      ...(values["account-summary"] !== undefined ? { accountSummary: values["account-summary"] } : {}),
      ...(values["authorization-details"] !== undefined ? { authorizationDetails: values["authorization-details"] } : {}),
      ...(values["last-accessed"] !== undefined ? { lastAccessed: values["last-accessed"] } : {}),
      ...(values.account !== undefined ? { account: values.account } : {}),
      region: region ?? OFFLINE_REGION,
    });
    const users = report.filter((row) => row.kind === "user").length;
    source = { account: { snapshot, calls: {}, problems: [] }, read: `Checked account ${snapshot.account} (${plural(users, "user")}) from ${reportFile} as of ${now.toISOString()}`, offline: true };
  } else {
    const account = await readLiveSnapshot(region);
    const { snapshot, calls } = account;
    const callCount = Object.values(calls).reduce((sum, count) => sum + count, 0);
    source = { account, read: `Checked account ${snapshot.account} in ${snapshot.region} (${plural(callCount, "API call")})`, offline: false };
  }

  const opened = values.store === "memory" ? undefined : await openStore(values.store);
  let run: Awaited<ReturnType<typeof runPostureOnce>>;
  try {
    run = await runPostureOnce({ reader: { read: async () => source.account }, ...(opened ? { store: opened.store.posture } : {}), config, now, loadActions: loadActionIndex });
  } finally {
    await opened?.close();
  }
  io.stderr.write(describeProblems(source.account.problems));
  io.stderr.write(describeSkipped(run.skipped, source.offline));

  const counts = new SeverityCounts();
  for (const finding of run.findings) counts.add(finding.severity);
  const shown: Finding[] = run.findings.filter((finding) => atLeast(finding.severity, minSeverity));
  const failed = failOn !== undefined && run.findings.some((finding) => atLeast(finding.severity, failOn));

  const skipped = new Set(run.skipped.map((entry) => entry.checkId));
  const synced = run.sync;
  const stored =
    synced && opened
      ? `; ${synced.created.length} new, ${synced.seenAgain.length} seen again, ${synced.reopened.length} reopened, ${synced.resolved.length} resolved in ${opened.location}`
      : "";

  const total = counts.total;
  const summary =
    `${source.read} in ${((Date.now() - started) / 1000).toFixed(1)}s: ` +
    `${plural(run.checksRun.length, "check")} run, ${skipped.size} skipped: ` +
    plural(total, "finding") +
    (total ? ` (${counts.describe()})` : "") +
    (shown.length < total ? `, ${shown.length} at or above ${minSeverity} shown` : "") +
    stored;
  await writePostureFindings(io, format, shown, summary, region ? { region } : {});
  return failed ? 1 : 0;
}

import { type AccountPlacement, type ActionIndex, type AnyPostureCheck, type EffectiveConfig, type Finding, type SkippedCheck, postureChecks, runPostureChecks } from "@vigil/core";
import type { Lease, PostureSyncResult } from "@vigil/store-dynamodb";
import type { AccountRead, AccountReader, PostureFindings } from "./ports.ts";

export interface PostureOnceOptions {
  /** Where the account's state comes from. */
  reader: AccountReader;
  /** Where the findings are kept across runs; without it nothing is stored (the run only reports). */
  store?: PostureFindings;
  config: EffectiveConfig;
  /** The run's instant: the findings' detectedAt and lastSeenAt, and the time of what it resolves. */
  now: Date;
  /**
   * Real IAM action names, so the checks that read policies (admin-policy-in-use, admin-unused) read
   * NotAction exactly; asked for only when the snapshot has policies, so it is loaded only then.
   */
  loadActions?: () => ActionIndex;
  /** The checks to run; all of Vigil's by default. */
  checks?: readonly AnyPostureCheck[];
  /** The sns lease the new findings are born with, when the caller notifies them itself. */
  claimFor?: Lease;
  /** In an organization, the account's name and OU path, which its findings carry. */
  placement?: AccountPlacement;
}

export interface PostureOnceOutcome {
  read: AccountRead;
  findings: Finding[];
  skipped: SkippedCheck[];
  /** The checks that ran in full: only their stored findings could be resolved. */
  checksRun: string[];
  /** What the store made of the run; absent without a store. */
  sync?: PostureSyncResult;
}

/**
 * One posture run of one account, as the scheduled function and `vigil posture` both do it: read
 * the account, run the enabled checks, and bring the stored findings in line (new, seen again,
 * resolved, reopened). A check that skipped anything (a part it needs could not be read) proves
 * nothing about what it did not see, so only the checks that ran in full may resolve findings.
 */
export async function runPostureOnce(options: PostureOnceOptions): Promise<PostureOnceOutcome> {
  const { config, now } = options;
  const checks = options.checks ?? postureChecks;
  const read = await options.reader.read();
  const actions = (read.snapshot.customerPolicies || read.snapshot.authorizationDetails) && options.loadActions ? options.loadActions() : undefined;
  const run = runPostureChecks(read.snapshot, { config, now, checks, ...(actions ? { actions } : {}) });
  const { placement } = options;
  const findings = placement ? run.findings.map((finding) => ({ ...finding, accountName: placement.accountName, ouPath: placement.ouPath })) : run.findings;
  const skippedIds = new Set(run.skipped.map((entry) => entry.checkId));
  const checksRun = checks.map((check) => check.meta.id).filter((id) => config.checks.get(id)?.enabled !== false && !skippedIds.has(id));
  const judgedPrincipals = Object.fromEntries(run.partial.filter((entry) => checksRun.includes(entry.checkId)).map((entry) => [entry.checkId, entry.principals]));
  const sync = await options.store?.syncPostureRun({
    account: read.snapshot.account,
    checkIds: checksRun,
    judgedPrincipals,
    findings,
    now,
    ...(options.claimFor ? { claimFor: options.claimFor } : {}),
  });
  return { read, findings, skipped: run.skipped, checksRun, ...(sync ? { sync } : {}) };
}

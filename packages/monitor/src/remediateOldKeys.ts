import { type EffectiveConfig, type RemediationAction, sparesPrincipal } from "@vigil/core";
import type { PostureSyncResult } from "@vigil/store-dynamodb";
import type { KeyRemediator, PostureFindings } from "./ports.ts";
import { REMEDIATION_OFF, type RemediationSettings } from "./remediationSettings.ts";

/** The posture check whose findings name users with old active keys: the remediation's targets. */
const ROTATION_CHECK = "access-key-not-rotated";

export interface RemediateOldKeysOptions {
  sync: PostureSyncResult;
  account: string;
  now: Date;
  /** Off when absent. */
  settings: RemediationSettings | undefined;
  config: EffectiveConfig;
  store: PostureFindings;
  /** Bound to the account's own IAM: in an organization, each account's audit role. */
  remediator: KeyRemediator;
}

/**
 * Deactivates (or, in a dry run, lists) the old active keys of the users the rotation check
 * reported, except where the finding is suppressed (someone accepted it) or the user is ignored
 * by any unexpired entry of the configuration that names principals alone (an entry that also
 * names a user agent, a service or an address covers only calls made that way). Each finding keeps
 * what was done about its user. Undefined when remediation is off.
 */
export async function remediateOldKeys(options: RemediateOldKeysOptions): Promise<{ dryRun: boolean; actions: RemediationAction[] } | undefined> {
  const { sync, account, now, config, store, remediator } = options;
  const settings = options.settings ?? REMEDIATION_OFF;
  if (!settings.enabled) return undefined;
  // stillOpen leaves out suppressed findings; an age below the limit needs no ListAccessKeys.
  const targets = [...sync.created, ...sync.reopened, ...sync.stillOpen].filter(
    (finding) => finding.ruleId === ROTATION_CHECK && !(typeof finding.details?.ageDays === "number" && finding.details.ageDays < settings.olderThanDays),
  );
  if (targets.length === 0) return { dryRun: settings.dryRun, actions: [] };
  const actions = await remediator.deactivateOldAccessKeys({
    account,
    userArns: [...new Set(targets.map((finding) => finding.resource))],
    olderThanDays: settings.olderThanDays,
    now,
    dryRun: settings.dryRun,
    // Never touched whatever rules the entry names: being ignored anywhere is a reason to leave a principal alone.
    ignore: (arn) => config.ignore.some((rule) => sparesPrincipal(rule, arn, now)),
  });
  for (const finding of targets) {
    const keyId = finding.details?.accessKeyId;
    const own = actions.filter((action) => action.arn === finding.resource && (keyId === undefined || action.accessKeyId === undefined || action.accessKeyId === keyId));
    if (own.length > 0) await store.recordRemediation(finding.id, { at: now.toISOString(), dryRun: settings.dryRun, actions: own.map((action) => ({ ...action })) });
  }
  return { dryRun: settings.dryRun, actions };
}

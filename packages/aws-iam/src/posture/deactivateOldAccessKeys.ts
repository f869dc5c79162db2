import { type IAMClient, ListAccessKeysCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { InvalidInputError, type RemediationAction } from "@vigil/core";
import { AwsCallError, allPages, awsCall, type CallContext, defaultSleep } from "./awsCall.ts";

export interface DeactivateOldAccessKeysOptions {
  /** Reads and writes `account`'s IAM. */
  iam: IAMClient;
  account: string;
  /**
   * ARNs of the users to look at: the resources of the access-key-age findings, or the `arn` of the
   * credential report rows with an old active key. Only these users' keys are listed, so the calls
   * grow with what is remediated, not with the account's users.
   */
  userArns: readonly string[];
  olderThanDays: number;
  now: Date;
  /** List what would be done without changing anything. */
  dryRun: boolean;
  /** Principals never touched (the configuration's ignore list). */
  ignore: (arn: string) => boolean;
  sleep?: (ms: number) => Promise<void>;
}

const DAY_MS = 86_400_000;
const USER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):(?:user\/(?:[^/]+\/)*([^/]+)|root)$/;

/**
 * Makes the active access keys older than `olderThanDays` Inactive (UpdateAccessKey, never
 * DeleteAccessKey: a deactivated key can be turned back on if something still needed it). Root's
 * keys, ignored principals and users of another account are never touched. The credential report
 * names no key ids, so each user's keys are read with ListAccessKeys, and their age taken from
 * CreateDate.
 *
 * @throws InvalidInputError when an option or ARN is malformed; a failed AWS call is a `failed` action.
 */
export async function deactivateOldAccessKeys(options: DeactivateOldAccessKeysOptions): Promise<RemediationAction[]> {
  const { iam, account, olderThanDays, now, dryRun, ignore } = options;
  if (!/^\d{12}$/.test(account)) throw new InvalidInputError(`must be a 12-digit AWS account id, got ${JSON.stringify(account)}`, "account");
  if (!Number.isInteger(olderThanDays) || olderThanDays < 1) throw new InvalidInputError(`must be a whole number of days, at least 1, got ${olderThanDays}`, "olderThanDays");
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidInputError("must be a valid Date", "now");
  const targets = options.userArns.map((arn, index) => {
    const match = USER_ARN.exec(arn);
    if (!match) throw new InvalidInputError(`must be an IAM user ARN (arn:aws:iam::<account>:user/<name>), got ${JSON.stringify(arn)}`, `userArns[${index}]`);
    return { arn, account: match[1] as string, user: match[2] ?? "<root_account>", root: match[2] === undefined };
  });

  const context: CallContext = { calls: {}, sleep: options.sleep ?? defaultSleep };
  const actions: RemediationAction[] = [];
  const seen = new Set<string>();
  for (const target of targets) {
    if (seen.has(target.arn)) continue;
    seen.add(target.arn);
    const { user, arn } = target;
    const skip = (reason: string) => actions.push({ kind: "deactivate-access-key", user, arn, outcome: "skipped", reason });
    if (target.root) {
      skip("root's access keys are never changed by Vigil");
      continue;
    }
    if (target.account !== account) {
      skip(`the user is in account ${target.account}, not ${account}`);
      continue;
    }
    if (ignore(arn)) {
      skip("the principal is ignored by the configuration");
      continue;
    }

    let keys;
    try {
      keys = await allPages(
        context,
        "iam:ListAccessKeys",
        (marker) => iam.send(new ListAccessKeysCommand({ UserName: user, ...(marker ? { Marker: marker } : {}) })),
        (page) => page.AccessKeyMetadata,
      );
    } catch (error) {
      const gone = error instanceof AwsCallError && (error.code === "NoSuchEntityException" || error.code === "NoSuchEntity");
      if (gone) skip("the user no longer exists");
      else actions.push({ kind: "deactivate-access-key", user, arn, outcome: "failed", reason: messageOf(error) });
      continue;
    }

    for (const key of keys) {
      if (key.Status !== "Active" || !key.AccessKeyId || !key.CreateDate) continue;
      const ageMs = now.getTime() - key.CreateDate.getTime();
      if (ageMs <= olderThanDays * DAY_MS) continue;
      const accessKeyId = key.AccessKeyId;
      const action: RemediationAction = { kind: "deactivate-access-key", user, arn, accessKeyId, ageDays: Math.floor(ageMs / DAY_MS), outcome: "would-do" };
      if (!dryRun) {
        try {
          await awsCall(context, "iam:UpdateAccessKey", () => iam.send(new UpdateAccessKeyCommand({ UserName: user, AccessKeyId: accessKeyId, Status: "Inactive" })));
          action.outcome = "done";
        } catch (error) {
          action.outcome = "failed";
          action.reason = messageOf(error);
        }
      }
      actions.push(action);
    }
  }
  return actions;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

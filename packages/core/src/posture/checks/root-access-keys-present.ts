import { CIS } from "../../rules/references.ts";
import { ago, dayCount, daysSince, keyDetails, presentKeys } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const rootAccessKeysPresent = definePostureCheck({
  meta: {
    id: "root-access-keys-present",
    title: "Root user has access keys",
    severity: "CRITICAL",
    description:
      "The account's root user has an access key, active or not. A root key is a long-lived credential with every permission that no IAM policy can limit; whoever finds it in a script, a laptop or a repository owns the account. The live account summary decides when the snapshot has it; the credential report, which may be a few hours old, adds which keys they are and when they were used.",
    remediation:
      "Sign in as root, find what still uses the key (its last use is in the finding), move that to an IAM role, then delete the key under Security credentials. If nobody knows the key, delete it at once and review CloudTrail for what it did.",
    references: [CIS.rootAccessKeys],
  },
  needs: [],
  needsOneOf: ["accountSummary", "credentialReport"],
  evaluate({ accountSummary, credentialReport, accessKeys }, { accountArn, now, skip }) {
    const root = credentialReport?.find((row) => row.kind === "root");
    const live = accountSummary?.AccountAccessKeysPresent;
    if (live === undefined && !root) {
      skip("the account summary has no AccountAccessKeysPresent and the credential report has no root row");
      return [];
    }
    const keys = root ? presentKeys(root) : [];
    // The summary is read live; the report may predate a key's creation or deletion, so the summary decides.
    if (live !== undefined ? live === 0 : keys.length === 0) return [];

    const principal = root?.arn ?? accountArn;
    const described = keys.map((key) => {
      const used = key.lastUsedDate ? `last used ${ago(daysSince(key.lastUsedDate, now))}` : "never used";
      return `key ${key.slot} (${key.active ? "active" : "inactive"}, ${dayCount(daysSince(key.lastRotated, now))} old, ${used})`;
    });
    const summary =
      keys.length > 0
        ? `The root user has ${keys.length === 1 ? "an access key" : `${keys.length} access keys`}: ${described.join(" and ")}.`
        : "The root user has an access key (the account summary's AccountAccessKeysPresent is set).";
    return [
      {
        principal,
        resource: principal,
        key: accountArn,
        summary,
        details: {
          ...(live !== undefined ? { accountAccessKeysPresent: live } : {}),
          keys: root ? keys.map((key) => keyDetails(root, key, accessKeys)) : [],
        },
      },
    ];
  },
});

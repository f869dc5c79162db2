import * as z from "zod";
import { CIS } from "../../rules/references.ts";
import { activeKeys, capitalise, dayCount, daysSince, describeKey, keyDetails, keyMatchKey, userRows } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";

export const credentialsUnused = definePostureCheck({
  meta: {
    id: "credentials-unused",
    title: "Credential unused for 45 days or more",
    severity: "MEDIUM",
    description:
      "An IAM user's console password or active access key has not been used for `maxUnusedDays` days (45 by default). A credential never used counts from when it was set or created. Dormant credentials are forgotten credentials: nobody notices when someone else starts using them. Each credential is its own finding.",
    remediation:
      "Confirm with the owner that the credential is no longer needed, then deactivate the key (`aws iam update-access-key --status Inactive`) or delete the login profile. Delete the key once nothing breaks; remove the user when it has no credential left.",
    references: [CIS.credentialsUnused],
  },
  needs: ["credentialReport"],
  params: z.strictObject({
    maxUnusedDays: z.number().int().min(1).max(400).default(45),
  }),
  evaluate({ credentialReport, accessKeys }, { params, now }) {
    const matches: PostureMatch[] = [];
    const unused = (lastUsed: string | undefined, created: string) => {
      const days = daysSince(lastUsed ?? created, now);
      if (days < params.maxUnusedDays) return undefined;
      return lastUsed ? `has not been used for ${dayCount(days)} (last used ${lastUsed})` : `has never been used in the ${dayCount(days)} since ${created}`;
    };
    for (const row of userRows(credentialReport)) {
      if (row.passwordEnabled) {
        // A password never used counts from when it was set; the user's creation is the fallback for a report without it.
        const set = row.passwordLastChanged ?? row.userCreationTime;
        const state = unused(row.passwordLastUsed, set);
        if (state) {
          matches.push({
            principal: row.arn,
            resource: row.arn,
            key: `${row.arn}#password`,
            summary: `The console password of ${row.user} ${state}.`,
            details: { credential: "password", passwordLastUsed: row.passwordLastUsed ?? null, passwordLastChanged: row.passwordLastChanged ?? null, maxUnusedDays: params.maxUnusedDays },
          });
        }
      }
      for (const key of activeKeys(row)) {
        const state = unused(key.lastUsedDate, key.lastRotated);
        if (!state) continue;
        matches.push({
          principal: row.arn,
          resource: row.arn,
          key: keyMatchKey(row, key),
          summary: `${capitalise(describeKey(row, key, accessKeys))} ${state}.`,
          details: { credential: "access-key", ...keyDetails(row, key, accessKeys), maxUnusedDays: params.maxUnusedDays },
        });
      }
    }
    return matches;
  },
});

import * as z from "zod";
import { CIS } from "../../rules/references.ts";
import { activeKeys, ago, capitalise, daysSince, describeKey, keyDetails, keyMatchKey, userRows } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

const MINUTE = 60_000;

export const accessKeyUnusedSinceCreation = definePostureCheck({
  meta: {
    id: "access-key-unused-since-creation",
    title: "Access key created with the user and never used",
    severity: "LOW",
    description:
      "An active access key was created together with its IAM user (within `setupWindowMinutes`, 15 by default, of the user) and has never been used. Keys handed out at setup, before anyone knows they are needed, tend to end up unused in a file or a password manager; CIS asks that users create their own keys when they need them.",
    remediation:
      "Delete the key (`aws iam delete-access-key`). If the user turns out to need programmatic access, let them create a key then, or better, give the workload a role. Change the onboarding process so that it stops creating keys by default.",
    references: [CIS.noKeysAtSetup],
  },
  needs: ["credentialReport"],
  params: z.strictObject({
    setupWindowMinutes: z.number().int().min(1).max(1440).default(15),
  }),
  evaluate({ credentialReport, accessKeys }, { params, now }) {
    return userRows(credentialReport).flatMap((row) =>
      activeKeys(row)
        .filter((key) => !key.lastUsedDate)
        .map((key) => ({ key, after: Date.parse(key.lastRotated) - Date.parse(row.userCreationTime) }))
        .filter(({ after }) => Math.abs(after) <= params.setupWindowMinutes * MINUTE)
        .map(({ key, after }) => {
          const minutes = Math.max(0, Math.round(after / MINUTE));
          const days = daysSince(key.lastRotated, now);
          return {
            principal: row.arn,
            resource: row.arn,
            key: keyMatchKey(row, key),
            summary: `${capitalise(describeKey(row, key, accessKeys))} was created ${minutes === 0 ? "with the user" : `${minutes === 1 ? "1 minute" : `${minutes} minutes`} after the user`}, ${ago(days)}, and has never been used.`,
            details: { ...keyDetails(row, key, accessKeys), userCreationTime: row.userCreationTime, minutesAfterUserCreation: minutes },
          };
        }),
    );
  },
});

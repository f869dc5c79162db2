import * as z from "zod";
import { CIS } from "../../rules/references.ts";
import { activeKeys, capitalise, dayCount, daysSince, describeKey, keyDetails, keyMatchKey, userRows } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const accessKeyNotRotated = definePostureCheck({
  meta: {
    id: "access-key-not-rotated",
    title: "Access key not rotated in 90 days",
    severity: "MEDIUM",
    description:
      "An IAM user's active access key is `maxAgeDays` days old or more (90 by default). The longer a key lives, the more places it has been copied to and the longer a leaked copy stays useful. From `reminderDays` (80 by default) a LOW reminder says rotation is due; set it equal to `maxAgeDays` for no reminder. The reminder and the overdue finding are separate findings, so crossing the limit is notified. Root keys are reported by root-access-keys-present.",
    remediation:
      "Create a second key, move every user of the old key to it, deactivate the old key, and delete it once nothing breaks. Better, replace the key with a role: temporary credentials need no rotation.",
    references: [CIS.keyRotation],
  },
  needs: ["credentialReport"],
  params: z
    .strictObject({
      maxAgeDays: z.number().int().min(1).max(1000).default(90),
      reminderDays: z.number().int().min(1).max(1000).default(80),
    })
    .refine((params) => params.reminderDays <= params.maxAgeDays, { message: "must not exceed maxAgeDays", path: ["reminderDays"] }),
  evaluate({ credentialReport, accessKeys }, { params, now }) {
    return userRows(credentialReport).flatMap((row) =>
      activeKeys(row).flatMap((key) => {
        const age = daysSince(key.lastRotated, now);
        if (age < params.reminderDays) return [];
        const overdue = age >= params.maxAgeDays;
        const name = capitalise(describeKey(row, key, accessKeys));
        return [
          {
            principal: row.arn,
            resource: row.arn,
            key: `${keyMatchKey(row, key)}#${overdue ? "overdue" : "due"}`,
            ...(overdue ? {} : { severity: "LOW" as const }),
            summary: overdue
              ? `${name} is ${dayCount(age)} old; keys should be rotated within ${dayCount(params.maxAgeDays)}.`
              : `${name} is ${dayCount(age)} old: rotate it within ${dayCount(params.maxAgeDays - age)} (keys should be rotated within ${dayCount(params.maxAgeDays)}).`,
            details: { ...keyDetails(row, key, accessKeys), ageDays: age, maxAgeDays: params.maxAgeDays, reminderDays: params.reminderDays },
          },
        ];
      }),
    );
  },
});

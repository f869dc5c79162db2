import { CIS } from "../../rules/references.ts";
import { activeKeys, dayCount, daysSince, keyDetails, keyLabel, userRows } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const multipleActiveAccessKeys = definePostureCheck({
  meta: {
    id: "multiple-active-access-keys",
    title: "IAM user with two active access keys",
    severity: "LOW",
    description:
      "An IAM user has both of its access keys active. Two keys are normal for the minutes of a rotation; kept longer, one of them is usually the old key that was never switched off, still valid wherever it was copied. Root keys are reported by root-access-keys-present.",
    remediation:
      "Find which key is in use (the finding has each key's last use), deactivate the other, and delete it once nothing breaks.",
    references: [CIS.oneActiveKey],
  },
  needs: ["credentialReport"],
  evaluate({ credentialReport, accessKeys }, { now }) {
    return userRows(credentialReport)
      .map((row) => ({ row, keys: activeKeys(row) }))
      .filter(({ keys }) => keys.length > 1)
      .map(({ row, keys }) => ({
        principal: row.arn,
        resource: row.arn,
        key: row.arn,
        summary: `IAM user ${row.user} has ${keys.length} active access keys: ${keys
          .map((key) => `${keyLabel(row, key, accessKeys)} (${dayCount(daysSince(key.lastRotated, now))} old)`)
          .join(" and ")}.`,
        details: { keys: keys.map((key) => keyDetails(row, key, accessKeys)) },
      }));
  },
});

import { CIS } from "../../rules/references.ts";
import { ago, daysSince, userRows } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const userConsoleWithoutMfa = definePostureCheck({
  meta: {
    id: "user-console-without-mfa",
    title: "IAM user with a console password and no MFA",
    severity: "HIGH",
    description:
      "An IAM user can sign in to the AWS Management Console with a password and has no MFA device. Anyone who phishes, guesses or reuses that password gets the user's access. Read from the credential report's password_enabled and mfa_active.",
    remediation:
      "Ask the user to register an MFA device, and enforce it with a policy that denies everything but MFA setup when aws:MultiFactorAuthPresent is false. If the user does not need the console, delete the login profile instead.",
    references: [CIS.consoleMfa],
  },
  needs: ["credentialReport"],
  evaluate({ credentialReport }, { now }) {
    return userRows(credentialReport)
      .filter((row) => row.passwordEnabled === true && !row.mfaActive)
      .map((row) => {
        const used = row.passwordLastUsed ? `last used ${ago(daysSince(row.passwordLastUsed, now))}` : "never used";
        return {
          principal: row.arn,
          resource: row.arn,
          key: row.arn,
          summary: `IAM user ${row.user} has a console password (${used}) and no MFA device.`,
          details: { passwordEnabled: true, mfaActive: false, passwordLastUsed: row.passwordLastUsed ?? null },
        };
      });
  },
});

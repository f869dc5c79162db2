import { CIS } from "../../rules/references.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const rootMfaDisabled = definePostureCheck({
  meta: {
    id: "root-mfa-disabled",
    title: "Root user has no MFA",
    severity: "CRITICAL",
    description:
      "The account's root user has no MFA device, so its password alone (and the email account that can reset it) opens every door in the account. The live account summary decides when the snapshot has it, otherwise the credential report's mfa_active for the root row.",
    remediation:
      "Sign in as root and register an MFA device under Security credentials: a hardware key or passkey, kept where the people allowed to use root can reach it. With AWS Organizations, consider centralised root access so member accounts have no root password at all.",
    references: [CIS.rootMfa],
  },
  needs: [],
  needsOneOf: ["accountSummary", "credentialReport"],
  evaluate({ accountSummary, credentialReport }, { accountArn, skip }) {
    const root = credentialReport?.find((row) => row.kind === "root");
    const live = accountSummary?.AccountMFAEnabled;
    if (live === undefined && !root) {
      skip("the account summary has no AccountMFAEnabled and the credential report has no root row");
      return [];
    }
    const enabled = live !== undefined ? live === 1 : root?.mfaActive === true;
    if (enabled) return [];
    const principal = root?.arn ?? accountArn;
    return [
      {
        principal,
        resource: principal,
        key: accountArn,
        summary: "The root user has no MFA device: its password alone signs in with every permission.",
        details: live !== undefined ? { accountMFAEnabled: live } : { mfaActive: false },
      },
    ];
  },
});

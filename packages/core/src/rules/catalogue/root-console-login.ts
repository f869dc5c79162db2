import { additionalString, eventAccount, isRoot, responseString } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const rootConsoleLogin = defineRule({
  kind: "event",
  meta: {
    id: "root-console-login",
    title: "Root user signed in to the console",
    severity: "HIGH",
    description:
      "The account's root user signed in to the AWS Management Console. Root has every permission and cannot be restricted by IAM; it should be used only for the few tasks that require it. Without MFA the sign-in is CRITICAL.",
    remediation:
      "Confirm with the account owner that this sign-in was expected. If not, reset the root password, enable or re-register MFA on root, and review what root did in this session. Use IAM roles for daily work.",
    references: [CIS.rootUsageMonitored, CIS.rootUsage, CIS.rootMfa, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "signin.amazonaws.com", eventNames: ["ConsoleLogin"], identityTypes: ["Root"] }],
  evaluate(event) {
    if (!isRoot(event) || responseString(event, "ConsoleLogin") !== "Success") return undefined;
    const mfa = additionalString(event, "MFAUsed") === "Yes";
    const from = event.sourceIPAddress ? ` from ${event.sourceIPAddress}` : "";
    return {
      severity: mfa ? "HIGH" : "CRITICAL",
      resource: `arn:aws:iam::${eventAccount(event)}:root`,
      summary: `The root user signed in to the console${from} ${mfa ? "with" : "without"} MFA.`,
      details: { mfaUsed: mfa },
    };
  },
});

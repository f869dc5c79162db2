import { additionalString, principalArn, responseString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const consoleLoginWithoutMfa = defineRule({
  kind: "event",
  meta: {
    id: "console-login-without-mfa",
    title: "IAM user signed in to the console without MFA",
    severity: "MEDIUM",
    description:
      "An IAM user signed in to the AWS Management Console with a password alone. Anyone who phishes, guesses or reuses that password gets the same access. Root sign-ins are covered by root-console-login; federated and IAM Identity Center sign-ins are left to the identity provider's MFA.",
    remediation:
      "Ask the user to register an MFA device, and enforce it with a policy that denies everything but MFA setup when aws:MultiFactorAuthPresent is false. If the sign-in was not the user, reset the password, revoke active sessions and review what was done in the session.",
    references: [CIS.consoleSignInWithoutMfa, CIS.consoleMfa, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "signin.amazonaws.com", eventNames: ["ConsoleLogin"], identityTypes: ["IAMUser"] }],
  evaluate(event) {
    if (!succeeded(event) || event.userIdentity.type !== "IAMUser") return undefined;
    // A sign-in's outcome is in responseElements.ConsoleLogin: a failure carries no errorCode, only an errorMessage.
    if (responseString(event, "ConsoleLogin") !== "Success" || additionalString(event, "MFAUsed") !== "No") return undefined;
    const user = principalArn(event);
    const name = event.userIdentity.userName ?? user;
    const from = event.sourceIPAddress ? ` from ${event.sourceIPAddress}` : "";
    return {
      resource: user,
      summary: `The IAM user ${name} signed in to the console without MFA${from}.`,
    };
  },
});

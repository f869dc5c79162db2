import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, isRoot, requestString, responseString, succeeded } from "../../event/principal.ts";
import type { Severity } from "../../findings/Severity.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * Root password changes are sign-in events (eventType AwsConsoleSignIn) whose outcome is in
 * `responseElements.<eventName>`; iam:ChangePassword is not among them, as it only changes an IAM user's own password.
 */
const PASSWORD_EVENTS = new Map<string, { severity: Severity; summary: string }>([
  ["PasswordRecoveryRequested", { severity: "MEDIUM", summary: "A password reset was requested for the root user" }],
  ["PasswordRecoveryCompleted", { severity: "HIGH", summary: "The root user's password was reset through password recovery" }],
  ["PasswordUpdated", { severity: "HIGH", summary: "The root user's password was changed" }],
]);

// The console has long named root's virtual device root-account-mfa-device; root's security keys sit under u2f/root/.
const ROOT_DEVICE = /:(mfa\/root-account-mfa-device|u2f\/root\/)/;

/**
 * Root removed an MFA device of its own: DeactivateMFADevice without a user name acts on the
 * caller. A custom-named root virtual device is recognised only by the deactivation that must
 * precede its deletion. Shared with `mfa-device-deactivated` and `root-activity`, which leave this case here.
 */
export function removesRootMfa(event: CloudTrailEvent): boolean {
  if (!isRoot(event)) return false;
  const serial = requestString(event, "serialNumber") ?? "";
  if (event.eventName === "DeactivateMFADevice") return requestString(event, "userName") === undefined || ROOT_DEVICE.test(serial);
  return event.eventName === "DeleteVirtualMFADevice" && ROOT_DEVICE.test(serial);
}

export const rootCredentialsChanged = defineRule({
  kind: "event",
  meta: {
    id: "root-credentials-changed",
    title: "Root user password or MFA changed",
    severity: "HIGH",
    description:
      "The root user's password was changed or reset, a reset was requested, or root's MFA device was removed. These are the steps of a root account takeover; removing root MFA is CRITICAL because the password alone then opens the whole account.",
    remediation:
      "Confirm with the account owner that the change was planned. If not, recover the root user at once (password recovery through the root email address, contact AWS Support if that fails), re-register MFA on root, check that the root email address and alternate contacts are unchanged, and review what root did since.",
    references: [CIS.rootMfa, CIS.rootUsageMonitored, ATTACK.accountManipulation, ATTACK.modifyMfa],
  },
  selectors: [
    { eventSource: "signin.amazonaws.com", eventNames: [...PASSWORD_EVENTS.keys()], identityTypes: ["Root"] },
    { eventSource: "iam.amazonaws.com", eventNames: ["DeactivateMFADevice", "DeleteVirtualMFADevice"], identityTypes: ["Root"] },
  ],
  evaluate(event) {
    if (!succeeded(event) || !isRoot(event)) return undefined;
    const resource = `arn:aws:iam::${eventAccount(event)}:root`;
    const from = event.sourceIPAddress ? ` from ${event.sourceIPAddress}` : "";

    const password = PASSWORD_EVENTS.get(event.eventName);
    if (password) {
      if (responseString(event, event.eventName) !== "Success") return undefined;
      return { severity: password.severity, resource, summary: `${password.summary}${from}.` };
    }

    if (!removesRootMfa(event)) return undefined;
    const serial = requestString(event, "serialNumber");
    const verb = event.eventName === "DeactivateMFADevice" ? "deactivated" : "deleted";
    return {
      severity: "CRITICAL",
      resource,
      summary: `The root user ${verb} its MFA device${serial ? ` ${serial}` : ""}${from}.`,
      ...(serial ? { details: { serialNumber: serial } } : {}),
    };
  },
});

import { need } from "../../event/needField.ts";
import { callerUserName, eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { removesRootMfa } from "./root-credentials-changed.ts";

export const mfaDeviceDeactivated = defineRule({
  kind: "event",
  meta: {
    id: "mfa-device-deactivated",
    title: "MFA device deactivated or deleted",
    severity: "MEDIUM",
    description:
      "An IAM user's MFA device was deactivated, or a virtual MFA device was deleted, leaving the user's sign-in protected by a password alone. Deactivating another user's device is HIGH: together with a password change it hands over that user's console access. Root's own device is covered by root-credentials-changed.",
    remediation:
      "Confirm the user lost or replaced the device (a new device should be enabled soon after). If not, re-enable MFA, reset the user's password, revoke active sessions, and review what the caller did.",
    references: [CIS.consoleMfa, ATTACK.modifyMfa],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["DeactivateMFADevice", "DeleteVirtualMFADevice"] }],
  evaluate(event) {
    if (!succeeded(event) || removesRootMfa(event)) return undefined;
    const serial = requestString(event, "serialNumber");
    const device = serial ? `MFA device ${serial}` : "an MFA device";

    // A virtual device must be deactivated before it can be deleted, so the request names no user.
    if (event.eventName === "DeleteVirtualMFADevice") {
      const deleted = serial ?? need(event, "requestParameters.serialNumber", "which virtual MFA device was deleted");
      return { resource: deleted, summary: `${principalArn(event)} deleted the virtual ${device}.`, details: { serialNumber: serial } };
    }

    // Without a user name the call acts on the calling IAM user.
    const caller = callerUserName(event);
    const userName = requestString(event, "userName") ?? caller ?? need(event, "requestParameters.userName", "whose MFA device was deactivated");
    const self = userName === caller;
    return {
      severity: self ? "MEDIUM" : "HIGH",
      resource: `arn:aws:iam::${eventAccount(event)}:user/${userName}`,
      summary: self
        ? `The IAM user ${userName} deactivated its own ${device}.`
        : `${principalArn(event)} deactivated ${device} of the IAM user ${userName}.`,
      details: { selfService: self, ...(serial ? { serialNumber: serial } : {}) },
    };
  },
});

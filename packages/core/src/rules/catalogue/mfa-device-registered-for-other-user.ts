import { need } from "../../event/needField.ts";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { federatedBy } from "../../event/federation.ts";
import { callerUserName, eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const mfaDeviceRegisteredForOtherUser = defineRule({
  kind: "event",
  meta: {
    id: "mfa-device-registered-for-other-user",
    title: "MFA device registered for another user, or without MFA",
    severity: "MEDIUM",
    description:
      "An MFA device was enabled for an IAM user other than the caller (EnableMFADevice names the user), or a virtual MFA device was created or enabled by a session that did not sign in with MFA (federated sessions, from IAM Identity Center, SAML or a web identity, are left to the identity provider's MFA, which CloudTrail does not see). Whoever holds the device passes the user's MFA check, so an attacker who resets a password registers their own device next; and a session without MFA that adds one may be stolen keys making the identity look protected. CreateVirtualMFADevice names only a device (virtualMFADeviceName, path), not a user: the device is bound to a user by EnableMFADevice, so only that call is judged for \"another user\". A user enrolling their own first device from a console session without MFA is reported too; expect it during onboarding.",
    remediation:
      "Ask the user whether they registered the device. If not, deactivate and delete it, reset the user's password, revoke the user's sessions, and review what the caller did. Require MFA (aws:MultiFactorAuthPresent) for iam:EnableMFADevice on other users.",
    // Sources: IAM API Reference, EnableMFADevice and CreateVirtualMFADevice; IAM User Guide,
    // "Enable a virtual MFA device" (id_credentials_mfa_enable_virtual.html).
    references: [CIS.consoleMfa, ATTACK.modifyMfa, ATTACK.accountManipulation],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateVirtualMFADevice", "EnableMFADevice"] }],
  evaluate(event) {
    if (!succeeded(event)) return undefined;
    const caller = principalArn(event);
    const withoutMfa = !signedInWithMfa(event) && federatedBy(event) === undefined;
    if (event.eventName === "CreateVirtualMFADevice") {
      if (!withoutMfa) return undefined;
      const name = requestString(event, "virtualMFADeviceName");
      const serial = virtualSerial(event) ?? need(event, "responseElements.virtualMFADevice.serialNumber", "which virtual MFA device was created");
      return {
        resource: serial,
        summary: `${caller} created the virtual MFA device ${name ?? "(name not recorded)"} from a session without MFA.`,
        details: { virtualMFADeviceName: name ?? "unknown", withoutMfa },
      };
    }
    const userName = requestString(event, "userName");
    const serial = requestString(event, "serialNumber");
    // Without a user name the call acts on the calling IAM user (or on root's own device).
    const target = userName ?? callerUserName(event) ?? need(event, "requestParameters.userName", "whose MFA device was enabled");
    const forOther = userName !== undefined && userName !== callerUserName(event);
    if (!forOther && !withoutMfa) return undefined;
    const why = [...(forOther ? [`for the IAM user ${userName}`] : []), ...(withoutMfa ? ["from a session without MFA"] : [])].join(" ");
    return {
      resource: `arn:aws:iam::${eventAccount(event)}:user/${target}`,
      summary: `${caller} enabled the MFA device ${serial ?? "(serial not recorded)"} ${why}.`,
      details: { userName: target, serialNumber: serial ?? "unknown", forOtherUser: forOther, withoutMfa },
    };
  },
});

/**
 * Only an explicit "true" counts: long-term access keys carry no session attributes and never have
 * MFA. A federated session is the exception the caller handles: its MFA is the identity provider's,
 * which CloudTrail cannot see, so its "false" says nothing.
 */
function signedInWithMfa(event: CloudTrailEvent): boolean {
  return event.userIdentity.sessionContext?.attributes?.mfaAuthenticated === "true";
}

function virtualSerial(event: CloudTrailEvent): string | undefined {
  const device = event.responseElements?.virtualMFADevice;
  if (typeof device !== "object" || device === null) return undefined;
  const serial = (device as Record<string, unknown>).serialNumber;
  return typeof serial === "string" ? serial : undefined;
}

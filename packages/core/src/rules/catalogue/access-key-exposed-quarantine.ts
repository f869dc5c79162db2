import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** AWSCompromisedKeyQuarantine, V2 and V3 so far; the open suffix also catches versions AWS adds later. */
const QUARANTINE_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(AWSCompromisedKeyQuarantine\w*)$/;
/** The inline policy AWS put on exposed users before the managed quarantine policies existed. */
const LEGACY_INLINE_POLICY = "AWSExposedCredentialPolicy_DO_NOT_REMOVE";

/** The name of AWS's quarantine policy this event applies to a user, if it applies one. */
export function quarantinePolicyName(event: CloudTrailEvent): string | undefined {
  if (event.eventName === "PutUserPolicy") {
    return requestString(event, "policyName") === LEGACY_INLINE_POLICY ? LEGACY_INLINE_POLICY : undefined;
  }
  return QUARANTINE_POLICY_ARN.exec(requestString(event, "policyArn") ?? "")?.[1];
}

/**
 * AWS applies the policy itself when it finds a user's access key in public (a GitHub commit, a paste),
 * typically within a minute, so the caller in the record is AWS-internal rather than a person. The rule
 * does not depend on who the caller is: the policy's presence is the signal.
 */
export const accessKeyExposedQuarantine = defineRule({
  kind: "event",
  meta: {
    id: "access-key-exposed-quarantine",
    title: "AWS quarantined a leaked access key",
    severity: "CRITICAL",
    description:
      "AWS attached its compromised-key quarantine policy (AWSCompromisedKeyQuarantine, V2, V3, or the older inline AWSExposedCredentialPolicy_DO_NOT_REMOVE) to an IAM user. AWS does this when it finds one of the user's access keys exposed in public. The policy denies only some actions; the key still works for everything else, and others may already have used it.",
    remediation:
      "Follow the AWS support case opened for the exposure. Deactivate and then delete the user's exposed access key, replacing it where something legitimately needs one, and review everything the key did since it was created. Detach the quarantine policy only after the key is gone.",
    references: [ATTACK.unsecuredCredentials, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["AttachUserPolicy", "PutUserPolicy"] }],
  evaluate(event) {
    const userName = requestString(event, "userName");
    const policy = quarantinePolicyName(event);
    if (!succeeded(event) || !userName || !policy) return undefined;
    return {
      resource: `arn:aws:iam::${eventAccount(event)}:user/${userName}`,
      summary: `${principalArn(event)} applied the compromised-key quarantine policy ${policy} to the IAM user ${userName}, which AWS does when it finds one of the user's access keys exposed.`,
      details: { policy },
    };
  },
});

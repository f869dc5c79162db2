import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { quarantinePolicyName } from "./access-key-exposed-quarantine.ts";

export const inlinePolicyOnUser = defineRule({
  kind: "event",
  meta: {
    id: "inline-policy-on-user",
    title: "Policy given directly to an IAM user",
    severity: "LOW",
    description:
      "A permissions policy was attached or written directly to an IAM user instead of reaching it through a group. Per-user grants are hard to review and tend to outlive the need for them. An inline policy (PutUserPolicy) is MEDIUM: it exists only on that user and appears in no policy listing.",
    remediation:
      "Put the user in a group that carries the permissions it needs, then detach or delete the policy from the user. If nobody expected the grant, review what the policy allows and what the user did since.",
    references: [CIS.groupsOnly, CIS.iamPolicyChanges],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["PutUserPolicy", "AttachUserPolicy"] }],
  evaluate(event) {
    // AWS's own quarantine of a leaked key is a deny, not a grant: access-key-exposed-quarantine reports it.
    if (!succeeded(event) || quarantinePolicyName(event)) return undefined;
    const userName = need(event, "requestParameters.userName", "which IAM user was given a policy");
    const resource = `arn:aws:iam::${eventAccount(event)}:user/${userName}`;

    if (event.eventName === "PutUserPolicy") {
      const policyName = requestString(event, "policyName");
      return {
        severity: "MEDIUM",
        resource,
        summary: `${principalArn(event)} put the inline policy ${policyName ?? "(unnamed)"} on the IAM user ${userName}.`,
        details: { inline: true, ...(policyName ? { policyName } : {}) },
      };
    }
    const policyArn = need(event, "requestParameters.policyArn", `which policy the IAM user ${userName} was given`);
    return {
      resource,
      summary: `${principalArn(event)} attached the managed policy ${policyArn} directly to the IAM user ${userName}.`,
      details: { inline: false, policyArn },
    };
  },
});

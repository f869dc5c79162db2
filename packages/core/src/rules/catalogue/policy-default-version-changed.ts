import { need } from "../../event/needField.ts";
import { principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const policyDefaultVersionChanged = defineRule({
  kind: "event",
  meta: {
    id: "policy-default-version-changed",
    title: "Managed policy rolled to another version",
    severity: "MEDIUM",
    description:
      "A customer managed policy's default version was switched with SetDefaultPolicyVersion. Whatever that version allows takes effect at once for every user, group and role the policy is attached to. Switching back to an old, broader version is a known privilege escalation, and the record does not show what the version allows.",
    remediation:
      "Compare the new default version with the previous one (`aws iam get-policy-version`). If the change was not expected, set the previous version back as default, delete versions that should not exist, and restrict iam:SetDefaultPolicyVersion.",
    references: [CIS.iamPolicyChanges, ATTACK.accountManipulation],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["SetDefaultPolicyVersion"] }],
  evaluate(event) {
    if (!succeeded(event)) return undefined;
    const policyArn = need(event, "requestParameters.policyArn", "which policy now takes effect in another version");
    const versionId = need(event, "requestParameters.versionId", `which version of ${policyArn} took effect`);
    return {
      resource: policyArn,
      summary: `${principalArn(event)} made version ${versionId} the default of the policy ${policyArn}.`,
      details: { versionId },
    };
  },
});

import { principalArn, succeeded } from "../../event/principal.ts";
import { describePolicyChange, policyChangeOf, TRUST_POLICY_EVENTS } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const trustPolicyPublic = defineRule({
  kind: "event",
  meta: {
    id: "trust-policy-public",
    title: "Role can be assumed by anyone",
    severity: "CRITICAL",
    description:
      'A role was created, or its trust policy changed, so that any AWS principal in any account can assume it: Principal "*", {"AWS": "*"}, or an Allow with NotPrincipal, with no condition that pins the caller\'s account, organization or ARN (aws:PrincipalAccount, aws:PrincipalOrgID, aws:PrincipalArn, or aws:SourceAccount / aws:SourceArn for services). sts:ExternalId, source IP and similar conditions do not count: the caller supplies or controls them.',
    remediation:
      "Replace the wildcard principal with the accounts or role ARNs that need the role, or add a StringEquals condition on aws:PrincipalOrgID or aws:PrincipalAccount. Review CloudTrail for AssumeRole calls on this role from unknown accounts since the change.",
    references: [CIS.iamPolicyChanges, ATTACK.trustModification, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: TRUST_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const open = change?.trust?.public ?? [];
    if (!change || open.length === 0) return undefined;
    const via = [...new Set(open.map((grant) => grant.via))].join(", ");
    const weak = [...new Set(open.flatMap((grant) => grant.conditionKeys))];
    const caveat = weak.length > 0 ? ` Its condition on ${weak.join(", ")} does not restrict who the caller is.` : "";
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)} so that any principal can assume it (${via}).${caveat}`,
      details: { statements: open },
    };
  },
});

import { principalArn, succeeded } from "../../event/principal.ts";
import { describePolicyChange, IDENTITY_POLICY_EVENTS, policyChangeOf } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const policyGrantsFullAdmin = defineRule({
  kind: "event",
  meta: {
    id: "policy-grants-full-admin",
    title: "Policy allows every action on every resource",
    severity: "CRITICAL",
    description:
      'A managed or inline identity policy was written that allows "*" on "*" (or the same through "*:*", or an Allow with a NotAction that excludes no real action). Whoever holds it is a full administrator of the account and can remove any other control. Denies in the same policy count only when they take away an IAM action that could be used to rewrite the policy.',
    remediation:
      "Find who holds the policy (its attachments, or the user, group or role it is inline on) and confirm the change was approved. Replace it with a policy that lists the actions and resources the job needs, or with a managed job-function policy; keep full administration to a break-glass role.",
    references: [CIS.noFullAdmin, CIS.iamPolicyChanges, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: IDENTITY_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const admin = change?.permissions?.fullAdmin;
    if (!change || !admin) return undefined;
    const when = admin.conditional ? ` when its condition on ${admin.conditionKeys.join(", ")} holds` : "";
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)}, which allows every action on every resource${when}.`,
      details: { statements: admin.statements, conditional: admin.conditional, ...(change.policyName ? { policyName: change.policyName } : {}) },
    };
  },
});

import { principalArn, succeeded } from "../../event/principal.ts";
import { describeScope, type NotActionGrant } from "../../policy/analysePermissions.ts";
import { describePolicyChange, IDENTITY_POLICY_EVENTS, policyChangeOf } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

function describeGrant(grant: NotActionGrant): string {
  const count = grant.grantedActionCount === undefined ? "" : ` (${grant.grantedActionCount} actions)`;
  return `every action except ${grant.notAction.join(", ")}${count} on ${describeScope(grant.resources)}`;
}

export const policyNotActionAllow = defineRule({
  kind: "event",
  meta: {
    id: "policy-notaction-allow",
    title: "Policy allows with NotAction",
    severity: "MEDIUM",
    description:
      'A managed or inline identity policy was written with an Allow statement that uses NotAction: it grants every action except the ones listed, including every action AWS adds later. It is rarely what the author meant ("allow everything but IAM" still allows Organizations, STS and every new service). HIGH when the statement still grants IAM actions. Not reported when the policy is already full admin.',
    remediation:
      "Rewrite the statement as an Allow that lists the actions needed. To carve actions out of a broad grant, keep the grant and add a Deny statement, or use a permissions boundary or an SCP.",
    references: [CIS.iamPolicyChanges, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: IDENTITY_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const permissions = change?.permissions;
    if (!change || !permissions || permissions.fullAdmin || permissions.notActions.length === 0) return undefined;
    const grants = permissions.notActions;
    return {
      ...(grants.some((grant) => grant.grantsIam) ? { severity: "HIGH" as const } : {}),
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)}, which allows ${grants.map(describeGrant).join("; ")}.`,
      details: {
        statements: grants.map((grant) => ({ ...grant.statement, notAction: grant.notAction, grantsIam: grant.grantsIam, grantedActionCount: grant.grantedActionCount })),
        ...(change.policyName ? { policyName: change.policyName } : {}),
      },
    };
  },
});

import { principalArn, succeeded } from "../../event/principal.ts";
import { describeEscalation } from "../../policy/escalation.ts";
import { describePolicyChange, IDENTITY_POLICY_EVENTS, policyChangeOf } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** How many paths a summary names before "and N more"; details carry them all. */
const NAMED_IN_SUMMARY = 5;

export const policyPrivilegeEscalation = defineRule({
  kind: "event",
  meta: {
    id: "policy-privilege-escalation",
    title: "Policy grants a privilege-escalation path",
    severity: "HIGH",
    description:
      "A managed or inline identity policy was written that grants a known privilege-escalation combination: actions that together let the holder give itself more permissions, such as iam:CreatePolicyVersion, iam:PassRole with lambda:CreateFunction and lambda:InvokeFunction, or iam:CreateAccessKey on other users (Rhino Security Labs' 21 methods, Bishop Fox iam-vulnerable, Cloudsplaining). A combination counts whether its actions are named or granted by wildcard, on any resource. Not reported when the policy is already full admin.",
    remediation:
      "Confirm the holder needs these actions. Remove them, or scope them to the resources the job uses (iam:PassRole to named roles with an iam:PassedToService condition; user and policy actions to the holder's own ARN), and consider a permissions boundary for principals that create roles or policies.",
    references: [CIS.iamPolicyChanges, ATTACK.additionalCloudRoles, ATTACK.temporaryElevatedAccess],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: IDENTITY_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const permissions = change?.permissions;
    if (!change || !permissions || permissions.fullAdmin || permissions.escalations.length === 0) return undefined;
    const paths = permissions.escalations.map(describeEscalation);
    const more = paths.length > NAMED_IN_SUMMARY ? ` and ${paths.length - NAMED_IN_SUMMARY} more` : "";
    const noun = paths.length === 1 ? "a privilege-escalation path" : `${paths.length} privilege-escalation paths`;
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)}, which grants ${noun}: ${paths.slice(0, NAMED_IN_SUMMARY).join("; ")}${more}.`,
      details: {
        escalations: permissions.escalations.map((match) => ({ id: match.method.id, title: match.method.title, actions: match.actions })),
        ...(change.policyName ? { policyName: change.policyName } : {}),
      },
    };
  },
});

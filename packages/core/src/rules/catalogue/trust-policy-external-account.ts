import { principalArn, succeeded } from "../../event/principal.ts";
import { externalAccounts } from "../../policy/analyseTrust.ts";
import { describePolicyChange, policyChangeOf, TRUST_POLICY_EVENTS } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const trustPolicyExternalAccount = defineRule({
  kind: "event",
  meta: {
    id: "trust-policy-external-account",
    title: "Role can be assumed from an untrusted account",
    severity: "HIGH",
    description:
      "A role was created, or its trust policy changed, so that principals of another AWS account can assume it: the account is named as a principal (its id, its root ARN, or a user or role ARN in it) or pinned by a condition such as aws:PrincipalAccount or aws:SourceAccount, and it is neither the role's own account nor listed in trustedAccounts. A foothold role trusted by an attacker's account survives password and key resets.",
    remediation:
      "Confirm the account belongs to your organization or to a vendor you have approved; if so, add it to trustedAccounts. If not, remove it from the trust policy and review the role's AssumeRole activity. For vendors, require sts:ExternalId.",
    references: [CIS.iamPolicyChanges, ATTACK.trustModification, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: TRUST_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const trust = change?.trust;
    if (!change || !trust) return undefined;
    const accounts = externalAccounts(trust, context.account, context.settings.trustedAccounts);
    if (accounts.length === 0) return undefined;
    const noun = accounts.length === 1 ? "account" : "accounts";
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)} so that ${noun} ${accounts.join(", ")} can assume it.`,
      details: {
        accounts,
        principals: trust.principals.filter((principal) => principal.account !== undefined && accounts.includes(principal.account)),
      },
    };
  },
});

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
      "A role was created, or its trust policy changed, so that principals of another AWS account can assume it: the account is named as a principal (its id, its root ARN, or a user or role ARN in it) or pinned by a condition such as aws:PrincipalAccount or aws:SourceAccount, and it is neither the role's own account nor listed in trustedAccounts. In organization mode every account of the monitored organization is trusted, and a condition on another organization (aws:PrincipalOrgID, aws:PrincipalOrgPaths or their Source* equivalents) is reported too: every account of that organization can assume the role. A foothold role trusted by an attacker's account survives password and key resets.",
    remediation:
      "Confirm the account belongs to your organization or to a vendor you have approved; if so, add it to trustedAccounts. If not, remove it from the trust policy and review the role's AssumeRole activity. For vendors, require sts:ExternalId. A condition on another organization's id or path lets all of its accounts in: name the accounts that need the role instead.",
    references: [CIS.iamPolicyChanges, ATTACK.trustModification, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: TRUST_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const trust = change?.trust;
    if (!change || !trust) return undefined;
    const { organization } = context;
    const accounts = externalAccounts(trust, context.account, context.settings.trustedAccounts).filter((account) => !organization?.has(account));
    // Without an organization configured there is no own organization to tell apart from a foreign
    // one, so organization conditions are judged as before: they restrict, and name no account.
    const organizations = organization ? trust.organizations.filter((id) => id !== organization.organizationId) : [];
    if (accounts.length === 0 && organizations.length === 0) return undefined;
    const who = [
      ...(accounts.length > 0 ? [`${accounts.length === 1 ? "account" : "accounts"} ${accounts.join(", ")}`] : []),
      ...(organizations.length > 0 ? [`every account of ${organizations.length === 1 ? "organization" : "organizations"} ${organizations.join(", ")}`] : []),
    ].join(" and ");
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)} so that ${who} can assume it.`,
      details: {
        accounts,
        ...(organizations.length > 0 ? { organizations } : {}),
        principals: trust.principals.filter(
          (principal) =>
            (principal.account !== undefined && accounts.includes(principal.account)) || (principal.organization !== undefined && organizations.includes(principal.organization)),
        ),
      },
    };
  },
});

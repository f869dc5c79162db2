import { principalArn, succeeded } from "../../event/principal.ts";
import { unpinnedOidcTrust } from "../../policy/oidcTrust.ts";
import { parsePolicy } from "../../policy/parsePolicy.ts";
import { describePolicyChange, policyChangeOf, TRUST_POLICY_EVENTS } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

export const trustPolicyOidcUnrestricted = defineRule({
  kind: "event",
  meta: {
    id: "trust-policy-oidc-unrestricted",
    title: "Role trusts an OIDC provider for any subject",
    severity: "CRITICAL",
    description:
      "A role was created, or its trust policy changed, so that it trusts an OpenID Connect provider (GitHub Actions, GitLab, Terraform Cloud, a Kubernetes/EKS cluster, Google, CircleCI or any other) with sts:AssumeRoleWithWebIdentity, without a condition that pins the token's subject (<provider>:sub) to your repositories, projects, workspaces or service accounts. Anyone who can get a token from that provider, such as any GitHub repository's workflow, can then assume the role. A condition on aud alone does not help: the audience is fixed by the provider or chosen by the requester. A subject pattern may leave the repository or project open (repo:my-org/*), but not the owner (repo:*, repo:my-org*). Cognito identity pools are pinned by cognito-identity.amazonaws.com:aud. ...IfExists and ForAllValues: conditions do not pin, as they hold when the claim is absent. A document CloudTrail did not record is reported by policy-document-omitted.",
    remediation:
      'Add a StringEquals (or StringLike with the owner written out) condition on <provider>:sub naming the repositories, branches or environments, projects or service accounts that need the role, e.g. "token.actions.githubusercontent.com:sub": "repo:my-org/deploy:environment:production". Review AssumeRoleWithWebIdentity calls on the role since the change for subjects you do not know.',
    // Sources: IAM User Guide, "Create a role for OpenID Connect federation" and "Available keys for
    // AWS web identity federation"; GitHub Docs, "Configuring OpenID Connect in Amazon Web Services";
    // subject formats per provider are listed with sources in policy/oidcTrust.ts.
    references: [CIS.iamPolicyChanges, ATTACK.trustModification, ATTACK.additionalCloudRoles, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: TRUST_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    // The analysis ran only when the document was readable (policyChange parsed it without error).
    if (!change?.trust) return undefined;
    const gaps = unpinnedOidcTrust(parsePolicy(event.requestParameters?.[change.field]));
    if (gaps.length === 0) return undefined;
    const providers = [...new Set(gaps.map((gap) => gap.host))];
    const subjects = [...new Set(gaps.flatMap((gap) => gap.subjects))];
    const how =
      subjects.length > 0
        ? `its subject condition (${subjects.join(", ")}) leaves the owner open`
        : "no condition pins the token's subject";
    return {
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)} so that any identity of ${providers.join(", ")} can assume it: ${how}.`,
      details: { statements: gaps },
    };
  },
});

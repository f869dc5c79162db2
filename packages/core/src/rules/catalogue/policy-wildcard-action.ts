import { principalArn, succeeded } from "../../event/principal.ts";
import { describeScope, type WildcardGrant } from "../../policy/analysePermissions.ts";
import { describePolicyChange, IDENTITY_POLICY_EVENTS, policyChangeOf } from "../../policy/policyChange.ts";
import { wildcardMatch } from "../../policy/wildcard.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** Services whose every action lets the holder change who can do what. */
const IDENTITY_SERVICES = ["iam", "sts", "organizations"];

/** How many services a summary names for one pattern (`i*:*` covers about thirty); details carry them all. */
const SERVICES_IN_SUMMARY = 4;

function describeWildcard(grant: WildcardGrant): string {
  const scope = describeScope(grant.resources);
  if (grant.kind === "all-actions") return `every action (${grant.pattern}) on ${scope}`;
  if (grant.services.length === 1) return `${grant.pattern} (every ${grant.services[0]} action) on ${scope}`;
  const shown = grant.services.slice(0, SERVICES_IN_SUMMARY).join(", ");
  const more = grant.services.length > SERVICES_IN_SUMMARY ? ` and ${grant.services.length - SERVICES_IN_SUMMARY} more services` : "";
  return `${grant.pattern} (every action of ${shown}${more}) on ${scope}`;
}

function touchesIdentity(grant: WildcardGrant): boolean {
  return grant.kind === "all-actions" || grant.services.some((service) => IDENTITY_SERVICES.some((name) => wildcardMatch(service, name, { ignoreCase: true })));
}

export const policyWildcardAction = defineRule({
  kind: "event",
  meta: {
    id: "policy-wildcard-action",
    title: "Policy allows a service-wide or all-actions wildcard",
    severity: "MEDIUM",
    description:
      'A managed or inline identity policy was written that allows every action of a service ("iam:*", "s3:*", "iam:?*", or a prefix such as "i*:*" that covers whole services) or every action ("*") on some resources. Wildcards grant actions AWS adds later and usually far more than the job needs. HIGH when the wildcard covers IAM, STS or Organizations, or all actions. Not reported when the policy is already full admin (policy-grants-full-admin), nor when an unconditional Deny in the policy covers the whole wildcard.',
    remediation:
      "Replace the wildcard with the actions the workload calls (IAM Access Analyzer can generate them from CloudTrail activity) and scope the resources. Where a service-wide grant is intended, document it and narrow the resources.",
    references: [CIS.iamPolicyChanges, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: IDENTITY_POLICY_EVENTS }],
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const change = policyChangeOf(event, context.actions);
    const permissions = change?.permissions;
    if (!change || !permissions || permissions.fullAdmin || permissions.wildcards.length === 0) return undefined;
    const wildcards = permissions.wildcards;
    return {
      ...(wildcards.some(touchesIdentity) ? { severity: "HIGH" as const } : {}),
      resource: change.target,
      summary: `${principalArn(event)} ${describePolicyChange(change)}, which allows ${wildcards.map(describeWildcard).join("; ")}.`,
      details: {
        wildcards: wildcards.map((grant) => ({ statement: grant.statement, pattern: grant.pattern, kind: grant.kind, services: grant.services, resources: grant.resources })),
        ...(change.policyName ? { policyName: change.policyName } : {}),
      },
    };
  },
});

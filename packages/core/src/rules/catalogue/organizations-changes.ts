import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule, type RuleMatch } from "../Rule.ts";

/** Policy types that are guardrails: with them gone, nothing caps what IAM grants in member accounts. */
const GUARDRAIL_POLICY_TYPES = new Set(["SERVICE_CONTROL_POLICY", "RESOURCE_CONTROL_POLICY"]);
/** The AWS managed SCP that allows everything; detaching it tightens rather than loosens. */
const FULL_AWS_ACCESS = "p-FullAWSAccess";

/** DisablePolicyType answers with the root, whose ARN carries the organization id the request lacks. */
function rootArn(event: CloudTrailEvent): string | undefined {
  const root = event.responseElements?.root;
  const arn = typeof root === "object" && root !== null ? (root as Record<string, unknown>).arn : undefined;
  return typeof arn === "string" ? arn : undefined;
}

/**
 * Organizations ARNs embed the organization id, which most of these records do not carry, so a policy
 * is named by its id (p-...), and an account by its root ARN.
 */
function organizationsMatch(event: CloudTrailEvent): RuleMatch | undefined {
  const caller = principalArn(event);
  const account = eventAccount(event);
  switch (event.eventName) {
    case "LeaveOrganization":
      return {
        severity: "CRITICAL",
        resource: `arn:aws:iam::${account}:root`,
        summary: `${caller} took the account ${account} out of its organization: no service control policy applies to it any more.`,
      };
    case "RemoveAccountFromOrganization": {
      const removed = need(event, "requestParameters.accountId", "which account left the organization");
      return {
        severity: "HIGH",
        resource: `arn:aws:iam::${removed}:root`,
        summary: `${caller} removed the account ${removed} from the organization: no service control policy applies to it any more.`,
      };
    }
    case "DeleteOrganization":
      return { severity: "HIGH", resource: `arn:aws:iam::${account}:root`, summary: `${caller} deleted the organization managed from ${account}.` };
    case "DisablePolicyType": {
      const policyType = need(event, "requestParameters.policyType", "which policy type was disabled");
      const rootId = need(event, "requestParameters.rootId", `where the policy type ${policyType} was disabled`);
      const guardrail = GUARDRAIL_POLICY_TYPES.has(policyType);
      return {
        severity: guardrail ? "CRITICAL" : "MEDIUM",
        resource: rootArn(event) ?? rootId,
        summary: `${caller} disabled the policy type ${policyType} in the organization root ${rootId}${guardrail ? ": no such policy applies anywhere in the organization any more" : ""}.`,
        details: { policyType },
      };
    }
    case "DetachPolicy": {
      const policyId = need(event, "requestParameters.policyId", "which organization policy was detached");
      if (policyId === FULL_AWS_ACCESS) return undefined;
      const targetId = need(event, "requestParameters.targetId", `what the policy ${policyId} was detached from`);
      // The record does not say the policy's type; most detached policies are SCPs, so treat it as one.
      return {
        severity: "HIGH",
        resource: policyId,
        summary: `${caller} detached the organization policy ${policyId} from ${targetId}.`,
        details: { targetId },
      };
    }
    case "DeletePolicy": {
      const policyId = need(event, "requestParameters.policyId", "which organization policy was deleted");
      // A policy must be detached everywhere before it can be deleted, and DetachPolicy was reported then.
      return { severity: "MEDIUM", resource: policyId, summary: `${caller} deleted the organization policy ${policyId}.` };
    }
    default:
      return undefined;
  }
}

export const organizationsChanges = defineRule({
  kind: "event",
  meta: {
    id: "organizations-changes",
    title: "AWS Organizations guardrail weakened",
    severity: "HIGH",
    description:
      "An account left or was removed from the organization, the organization was deleted, or organization policies were detached, deleted or disabled. These take service control policies away from accounts: leaving the organization or disabling SCPs is CRITICAL, detaching a policy or removing an account HIGH, deleting a detached policy or disabling a non-guardrail policy type MEDIUM.",
    remediation:
      "Confirm the change with the team that owns the organization. If it is unexpected, reattach the policy or re-enable the policy type, invite a removed account back, and review the caller's activity. Restrict organizations:LeaveOrganization with an SCP in every member account.",
    references: [CIS.organizationsChanges, ATTACK.modifyCloudResourceHierarchy, ATTACK.tenantPolicyModification],
  },
  selectors: [
    {
      eventSource: "organizations.amazonaws.com",
      eventNames: ["LeaveOrganization", "RemoveAccountFromOrganization", "DeleteOrganization", "DisablePolicyType", "DetachPolicy", "DeletePolicy"],
    },
  ],
  evaluate(event) {
    return succeeded(event) ? organizationsMatch(event) : undefined;
  },
});

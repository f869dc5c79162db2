import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * AWS managed policies that hand over the account or the means to take it, keyed by path and name
 * after `policy/`. Job-function policies (`job-function/SystemAdministrator`, `NetworkAdministrator`, ...)
 * are broad but bounded, and service "FullAccess" policies stay within one service, so neither is listed.
 */
const FULL_POWER_POLICIES = new Map([
  ["AdministratorAccess", "full access to every action on every resource"],
  ["IAMFullAccess", "full control of IAM, enough to grant itself anything"],
  ["PowerUserAccess", "full access to every service except most of IAM and Organizations"],
  ["AWSOrganizationsFullAccess", "full control of AWS Organizations, including its service control policies"],
]);

/** Any partition (aws, aws-cn, aws-us-gov); the account field `aws` marks an AWS managed policy. */
const AWS_MANAGED_POLICY_ARN = /^arn:aws[a-z-]*:iam::aws:policy\/(.+)$/;

const TARGETS = {
  AttachUserPolicy: { key: "userName", kind: "user", noun: "IAM user" },
  AttachGroupPolicy: { key: "groupName", kind: "group", noun: "IAM group" },
  AttachRolePolicy: { key: "roleName", kind: "role", noun: "IAM role" },
} as const;

export const adminPolicyAttached = defineRule({
  kind: "event",
  meta: {
    id: "admin-policy-attached",
    title: "Full-power AWS managed policy attached",
    severity: "HIGH",
    description:
      "AdministratorAccess, IAMFullAccess, PowerUserAccess or AWSOrganizationsFullAccess was attached to a user, group or role. Each gives full control of the account or a direct path to it. AdministratorAccess on an IAM user is CRITICAL: a long-lived credential with every permission is the most valuable thing an attacker can plant.",
    remediation:
      "Confirm the grant was approved and is still needed. Prefer a role with a narrower policy, assumed with MFA, over a standing grant; never give administrator rights to an IAM user. If the grant is unexpected, detach the policy and review what the principal and the caller did.",
    references: [CIS.noFullAdmin, CIS.iamPolicyChanges, ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: Object.keys(TARGETS) }],
  evaluate(event) {
    const target = TARGETS[event.eventName as keyof typeof TARGETS];
    if (!succeeded(event) || !target) return undefined;
    const policyArn = need(event, "requestParameters.policyArn", "which policy was attached");
    const policy = AWS_MANAGED_POLICY_ARN.exec(policyArn)?.[1];
    const grants = policy ? FULL_POWER_POLICIES.get(policy) : undefined;
    if (!policy || !grants) return undefined;
    const name = need(event, `requestParameters.${target.key}`, `which ${target.noun} was given ${policy}`);
    return {
      severity: policy === "AdministratorAccess" && target.kind === "user" ? "CRITICAL" : "HIGH",
      resource: `arn:aws:iam::${eventAccount(event)}:${target.kind}/${name}`,
      summary: `${principalArn(event)} attached ${policy} (${grants}) to the ${target.noun} ${name}.`,
      details: { policyArn },
    };
  },
});

import { need } from "../../event/needField.ts";
import * as z from "zod";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import type { RuleContext } from "../Rule.ts";
import { defineRule } from "../Rule.ts";

/**
 * CreateAccountAssignment (eventSource sso.amazonaws.com; IAM Identity Center API Reference,
 * https://docs.aws.amazon.com/singlesignon/latest/APIReference/API_CreateAccountAssignment.html)
 * records instanceArn, targetId (the account), targetType, permissionSetArn, principalType
 * (USER or GROUP) and principalId. Neither request nor response names the permission set, only its
 * ARN, so "known to be admin" can only mean: listed in this rule's `adminPermissionSets` parameter.
 */
const params = z.strictObject({
  /** Permission sets that count as administrator: full ARNs or their `ps-...` ids. */
  adminPermissionSets: z.array(z.string().min(1)).default([]),
});
type Params = z.infer<typeof params>;

/** Why the assignment is HIGH, or undefined when it is not. */
function escalation(event: CloudTrailEvent, context: RuleContext<Params>, account: string | undefined, permissionSet: string | undefined): string | undefined {
  const admin = context.params.adminPermissionSets.find((known) => permissionSet !== undefined && (permissionSet === known || permissionSet.endsWith(`/${known}`)));
  if (admin) return "a permission set configured as administrator";
  if (!account) return undefined;
  if (account === context.organization?.inventory.managementAccountId) return "the organization's management account";
  // Identity Center records the call in the account that runs it: the management account or its
  // delegated administrator. Either way, a grant into that account is a grant over Identity Center itself.
  if (account === eventAccount(event)) return "the account that runs Identity Center: the management account or its delegated administrator";
  return undefined;
}

export const ssoAccountAssignmentCreated = defineRule({
  kind: "event",
  meta: {
    id: "sso-account-assignment-created",
    title: "Identity Center permission set assigned in an account",
    severity: "MEDIUM",
    description:
      "An IAM Identity Center user or group was given a permission set in an AWS account (CreateAccountAssignment): its members can now sign in to that account with the permission set's rights. HIGH when the account is the organization's management account (known from the organization inventory in organization mode) or the account that runs Identity Center, or when the permission set is listed in the rule's adminPermissionSets parameter (CloudTrail names a permission set only by ARN, so Vigil cannot tell an administrator set by itself).",
    remediation:
      "Confirm the assignment with the team that owns Identity Center and that the user or group should hold this permission set in this account. If it is unexpected, delete the account assignment and review what the user or group's members did in the account.",
    references: [ATTACK.additionalCloudRoles, ATTACK.cloudAccounts],
  },
  selectors: [{ eventSource: "sso.amazonaws.com", eventNames: ["CreateAccountAssignment"] }],
  params,
  evaluate(event, context) {
    if (!succeeded(event)) return undefined;
    const account = requestString(event, "targetId");
    const permissionSet = requestString(event, "permissionSetArn") ?? need(event, "requestParameters.permissionSetArn", "which permission set was assigned");
    const principalType = requestString(event, "principalType");
    const principalId = requestString(event, "principalId");
    const who = principalType && principalId ? `the ${principalType.toLowerCase()} ${principalId}` : `a principal the record does not name`;
    const why = escalation(event, context, account, permissionSet);
    return {
      ...(why ? { severity: "HIGH" as const } : {}),
      resource: permissionSet,
      summary: `${principalArn(event)} assigned the permission set ${permissionSet} to ${who} in the account ${account ?? "<unknown>"} (instance ${requestString(event, "instanceArn") ?? "<unknown>"})${why ? `, which is ${why}` : ""}.`,
      details: { account: account ?? null, principalType: principalType ?? null, principalId: principalId ?? null },
    };
  },
});

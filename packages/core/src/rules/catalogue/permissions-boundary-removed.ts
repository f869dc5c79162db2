import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, succeeded } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

const TARGETS = {
  DeleteUserPermissionsBoundary: { key: "userName", kind: "user", noun: "IAM user" },
  DeleteRolePermissionsBoundary: { key: "roleName", kind: "role", noun: "IAM role" },
} as const;

export const permissionsBoundaryRemoved = defineRule({
  kind: "event",
  meta: {
    id: "permissions-boundary-removed",
    title: "Permissions boundary removed",
    severity: "HIGH",
    description:
      "The permissions boundary of an IAM user or role was removed. A boundary caps what the principal's policies can grant, and is how delegated administrators are kept from creating principals more powerful than themselves; without it, every permission its policies allow takes effect.",
    remediation:
      "Confirm the change was approved. If not, put the boundary back with PutUserPermissionsBoundary or PutRolePermissionsBoundary, review what the principal did since, and restrict who may call the Delete*PermissionsBoundary actions.",
    references: [ATTACK.accountManipulation],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: Object.keys(TARGETS) }],
  evaluate(event) {
    const target = TARGETS[event.eventName as keyof typeof TARGETS];
    if (!succeeded(event) || !target) return undefined;
    const name = need(event, `requestParameters.${target.key}`, `which ${target.noun} lost its permissions boundary`);
    return {
      resource: `arn:aws:iam::${eventAccount(event)}:${target.kind}/${name}`,
      summary: `${principalArn(event)} removed the permissions boundary of the ${target.noun} ${name}: its policies now apply without a cap.`,
    };
  },
});

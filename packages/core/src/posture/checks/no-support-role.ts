import { CIS } from "../../rules/references.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const noSupportRole = definePostureCheck({
  meta: {
    id: "no-support-role",
    title: "No role for AWS Support",
    severity: "LOW",
    description:
      "No IAM role has the AWS managed policy AWSSupportAccess attached. Without one, opening and following cases with AWS Support during an incident needs someone with broader rights, or root.",
    remediation:
      "Create a role that your incident responders can assume and attach `arn:aws:iam::aws:policy/AWSSupportAccess` to it (`aws iam attach-role-policy`).",
    references: [CIS.supportRole],
  },
  needs: ["supportRoles"],
  evaluate({ supportRoles }, { accountArn }) {
    if (supportRoles.length > 0) return [];
    return [
      {
        principal: accountArn,
        resource: accountArn,
        key: accountArn,
        summary: "No IAM role has the AWSSupportAccess policy, so there is no role for handling incidents with AWS Support.",
        details: { supportRoles: [] },
      },
    ];
  },
});

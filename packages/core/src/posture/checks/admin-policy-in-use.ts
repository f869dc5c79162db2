import { analysePermissions } from "../../policy/analysePermissions.ts";
import { parsePolicy } from "../../policy/parsePolicy.ts";
import { CIS } from "../../rules/references.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";

export const adminPolicyInUse = definePostureCheck({
  meta: {
    id: "admin-policy-in-use",
    title: "Customer-managed policy allows full administration",
    severity: "HIGH",
    description:
      'A customer-managed policy attached to a user, group or role allows every action on every resource: "*" on "*", "*:*", or an Allow with a NotAction that excludes no real action, read with the same analysis as the policy-grants-full-admin event rule. Whoever holds it can remove any other control. AWS managed policies such as AdministratorAccess are reported by admin-policy-attached when they are attached.',
    remediation:
      "Find who holds the policy (`aws iam list-entities-for-policy`) and whether each still needs it. Replace it with a policy listing the actions and resources the job needs; keep full administration to a break-glass role that is assumed with MFA.",
    references: [CIS.noFullAdmin],
  },
  needs: ["customerPolicies"],
  evaluate({ customerPolicies }, { accountArn, actions, skip }) {
    const matches: PostureMatch[] = [];
    for (const policy of customerPolicies) {
      if (policy.attachmentCount === 0) continue;
      let admin;
      try {
        admin = analysePermissions(parsePolicy(policy.document), actions ? { actions } : {}).fullAdmin;
      } catch (error) {
        skip(`${policy.arn}: ${(error as Error).message}`);
        continue;
      }
      if (!admin) continue;
      const when = admin.conditional ? ` when its condition on ${admin.conditionKeys.join(", ")} holds` : "";
      const holders = policy.attachmentCount === 1 ? "1 user, group or role" : `${policy.attachmentCount} users, groups or roles`;
      matches.push({
        principal: accountArn,
        resource: policy.arn,
        key: policy.arn,
        summary: `Customer-managed policy ${policy.name} allows every action on every resource${when}, and is attached to ${holders}.`,
        details: {
          policyName: policy.name,
          defaultVersionId: policy.defaultVersionId,
          attachmentCount: policy.attachmentCount,
          statements: admin.statements,
          conditional: admin.conditional,
        },
      });
    }
    return matches;
  },
});

import { CIS } from "../../rules/references.ts";
import { userRows } from "../credentials.ts";
import { definePostureCheck } from "../PostureCheck.ts";

export const userHasDirectPolicies = definePostureCheck({
  meta: {
    id: "user-has-direct-policies",
    title: "Managed policy attached directly to an IAM user",
    severity: "LOW",
    description:
      "A managed policy (AWS or customer) is attached to an IAM user instead of reaching it through a group. Per-user grants are hard to review and tend to outlive the need for them. Each attachment is its own finding. Inline user policies are not in the snapshot; the inline-policy-on-user event rule reports them as they are written.",
    remediation:
      "Put the user in a group that carries the permissions it needs, then detach the policy from the user (`aws iam detach-user-policy`).",
    references: [CIS.groupsOnly],
  },
  needs: ["userPolicyAttachments"],
  evaluate({ userPolicyAttachments, credentialReport }, { account }) {
    // The user's ARN carries its path, which only the listing or the report knows.
    const reported = new Map(userRows(credentialReport ?? []).map((row) => [row.user, row.arn]));
    const byName = (userName: string) => `arn:aws:iam::${account}:user/${userName}`;
    return userPolicyAttachments.map(({ policyArn, userName, userArn }) => {
      const user = userArn ?? reported.get(userName) ?? byName(userName);
      const policy = policyArn.slice(policyArn.lastIndexOf("/") + 1);
      return {
        principal: user,
        resource: policyArn,
        // User names are unique in an account; the ARN is not always known the same way.
        key: `${byName(userName)}#${policyArn}`,
        summary: `IAM user ${userName} has the managed policy ${policy} attached directly instead of through a group.`,
        details: { userName, policyArn },
      };
    });
  },
});

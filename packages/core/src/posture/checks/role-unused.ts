import * as z from "zod";
import { isServiceLinkedRole } from "../../access/AuthorizationDetails.ts";
import { AWS_IAM } from "../../rules/references.ts";
import { dayCount, daysSince } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";

/** IAM reports a role's last use for the trailing 400 days only. */
const TRACKED_DAYS = 400;

export const roleUnused = definePostureCheck({
  meta: {
    id: "role-unused",
    title: "Role not used for 90 days or more",
    severity: "LOW",
    description:
      "An IAM role nobody has assumed for `maxUnusedDays` days (90 by default), from the role's RoleLastUsed in GetAccountAuthorizationDetails; a role never used counts from its creation. Service-linked roles are left out: their service uses and deletes them. A forgotten role keeps its permissions and its trust policy, and whoever it trusts can still assume it.",
    remediation:
      "Ask the role's owner (its tags, its trust policy) whether it is still needed. If not, remove it from its instance profiles, detach and delete its policies and delete it (`aws iam delete-role`). A role of IAM Identity Center (path /aws-reserved/sso.amazonaws.com/) goes by removing its permission set's assignment to the account. A break-glass role kept for rare use belongs in the configuration's ignore list with that reason.",
    references: [AWS_IAM.removeUnused],
  },
  needs: ["authorizationDetails"],
  params: z.strictObject({
    maxUnusedDays: z.number().int().min(1).max(TRACKED_DAYS).default(90),
  }),
  evaluate({ authorizationDetails }, { params, now, skip }) {
    const matches: PostureMatch[] = [];
    for (const role of authorizationDetails.RoleDetailList) {
      if (isServiceLinkedRole(role)) continue;
      const lastUsed = role.RoleLastUsed?.LastUsedDate;
      const since = lastUsed ?? role.CreateDate;
      if (since === undefined) {
        skip(`${role.Arn}: neither RoleLastUsed nor CreateDate in the details`);
        continue;
      }
      const days = daysSince(since, now);
      if (days < params.maxUnusedDays) continue;
      let state: string;
      if (lastUsed) state = `has not been used for ${dayCount(days)} (last used ${lastUsed}${role.RoleLastUsed?.Region ? ` in ${role.RoleLastUsed.Region}` : ""})`;
      else if (days > TRACKED_DAYS) state = `has not been used for at least ${TRACKED_DAYS} days, as far back as IAM tracks (created ${since})`;
      else state = `has never been used in the ${dayCount(days)} since it was created (${since})`;
      const policies = [...(role.AttachedManagedPolicies ?? []).map((policy) => policy.PolicyArn), ...(role.RolePolicyList ?? []).map((policy) => `inline:${policy.PolicyName}`)];
      matches.push({
        principal: role.Arn,
        resource: role.Arn,
        key: role.Arn,
        summary: `Role ${role.RoleName} ${state}.`,
        details: {
          roleName: role.RoleName,
          lastUsed: lastUsed ?? null,
          lastUsedRegion: role.RoleLastUsed?.Region ?? null,
          createDate: role.CreateDate ?? null,
          policies,
          maxUnusedDays: params.maxUnusedDays,
        },
      });
    }
    return matches;
  },
});

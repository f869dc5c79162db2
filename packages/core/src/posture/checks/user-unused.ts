import * as z from "zod";
import { identityOf, principalsOf } from "../../access/principalPolicies.ts";
import { AWS_IAM, CIS } from "../../rules/references.ts";
import { dayCount, daysSince, userRows } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";
import { firstFew } from "../unusedAccess.ts";

export const userUnused = definePostureCheck({
  meta: {
    id: "user-unused",
    title: "IAM user unused for 90 days and still holding policies",
    severity: "MEDIUM",
    description:
      "An IAM user that has neither signed in to the console nor used an access key for `maxUnusedDays` days (90 by default; from the credential report, counting from the user's creation when it never did) and still holds permissions: policies of its own or through its groups (from GetAccountAuthorizationDetails). credentials-unused reports each dormant credential; this is the user as a whole, whose permissions outlive whoever it was made for.",
    remediation:
      "Ask whether the user is still needed. If not, delete its login profile and access keys, remove it from its groups (`aws iam remove-user-from-group`), detach and delete its policies, then delete the user. A user kept for rare use should hold no policy until it is needed again.",
    references: [CIS.credentialsUnused, AWS_IAM.removeUnused],
  },
  needs: ["credentialReport", "authorizationDetails"],
  params: z.strictObject({
    maxUnusedDays: z.number().int().min(1).max(400).default(90),
  }),
  evaluate({ credentialReport, authorizationDetails }, { params, now }) {
    const holdings = new Map<string, { policies: string[]; groups: string[] }>();
    const groupsOf = new Map(authorizationDetails.UserDetailList.map((user) => [user.Arn, user.GroupList ?? []]));
    for (const principal of principalsOf(authorizationDetails)) {
      const identity = identityOf(principal.arn);
      if (principal.kind !== "user" || !identity) continue;
      // Named as a person reads them: a group's policy with its group, a managed policy by its name.
      const policies = [...principal.policies.map((policy) => (policy.group ? `${policy.name} (group ${policy.group})` : policy.name)), ...principal.unreadable.map((arn) => arn.replace(/^.*\//, ""))];
      const groups = groupsOf.get(principal.arn) ?? [];
      holdings.set(`${identity.account}:${identity.name}`, { policies, groups });
    }
    const matches: PostureMatch[] = [];
    for (const row of userRows(credentialReport)) {
      const identity = identityOf(row.arn);
      const held = identity ? holdings.get(`${identity.account}:${identity.name}`) : undefined;
      if (!held || held.policies.length === 0) continue;
      const uses = [
        row.passwordLastUsed ? { what: "console sign-in", at: row.passwordLastUsed } : undefined,
        ...row.accessKeys.map((key) => (key.lastUsedDate ? { what: `access key ${key.slot} use`, at: key.lastUsedDate } : undefined)),
      ].filter((use) => use !== undefined);
      const last = uses.sort((a, b) => Date.parse(b.at) - Date.parse(a.at))[0];
      const days = daysSince(last?.at ?? row.userCreationTime, now);
      if (days < params.maxUnusedDays) continue;
      const state = last
        ? `has not signed in or used an access key for ${dayCount(days)} (last ${last.what} ${last.at})`
        : `has never signed in or used an access key in the ${dayCount(days)} since it was created (${row.userCreationTime})`;
      const count = held.policies.length === 1 ? "1 policy" : `${held.policies.length} policies`;
      matches.push({
        principal: row.arn,
        resource: row.arn,
        key: row.arn,
        summary: `IAM user ${row.user} ${state} and still holds ${count}: ${firstFew(held.policies, 3)}.`,
        details: {
          userName: row.user,
          lastUsed: last ? { credential: last.what, at: last.at } : null,
          created: row.userCreationTime,
          passwordEnabled: row.passwordEnabled ?? false,
          activeAccessKeys: row.accessKeys.filter((key) => key.active).map((key) => key.slot),
          policies: held.policies,
          groups: held.groups,
          maxUnusedDays: params.maxUnusedDays,
        },
      });
    }
    return matches;
  },
});

import * as z from "zod";
import { AWS_IAM, CIS } from "../../rules/references.ts";
import { dayCount } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";
import { advisedPrincipals, firstFew, principalLabel, usedWithin } from "../unusedAccess.ts";

export const adminUnused = definePostureCheck({
  meta: {
    id: "admin-unused",
    title: "Full administrator that uses only a few services",
    severity: "HIGH",
    description:
      "A user or role holding full administration (a policy allowing every action on every resource without a condition, AdministratorAccess included) that has used at most `maxServicesUsed` services (5 by default) in the last `maxUnusedDays` days (90 by default), from IAM Access Advisor. Its job needs a handful of services; its grant is the whole account, and whoever steals it gets the whole account. Access Advisor is read for a configured number of principals per run, rotating through the rest, so each run judges only the principals it read.",
    remediation:
      "Replace the administrator policy with one for the services in `details.usedServices` (`vigil least-privilege` proposes one from CloudTrail, narrowed to the actions and resources it used). Keep full administration to a break-glass role assumed with MFA, and put that role in the configuration's ignore list with the reason.",
    references: [CIS.noFullAdmin, AWS_IAM.leastPrivilege],
  },
  needs: ["authorizationDetails", "serviceLastAccessed"],
  params: z.strictObject({
    maxUnusedDays: z.number().int().min(1).max(400).default(90),
    maxServicesUsed: z.number().int().min(0).max(50).default(5),
  }),
  evaluate({ authorizationDetails, serviceLastAccessed }, context) {
    const { params, now, skip } = context;
    const matches: PostureMatch[] = [];
    for (const { access, principal, admin } of advisedPrincipals(authorizationDetails, serviceLastAccessed, params.maxUnusedDays, context)) {
      if (admin.policies.length === 0) {
        for (const problem of admin.unreadable) skip(`${principal.arn}: ${problem}`);
        continue;
      }
      const used = access.services.filter((service) => usedWithin(service, params.maxUnusedDays, now));
      if (used.length > params.maxServicesUsed) continue;
      const namespaces = used.map((service) => service.ServiceNamespace).sort();
      const usage = namespaces.length === 0 ? "has used no service" : `has used only ${namespaces.length === 1 ? "1 service" : `${namespaces.length} services`} (${firstFew(namespaces)})`;
      matches.push({
        principal: principal.arn,
        resource: principal.arn,
        key: principal.arn,
        summary: `${principalLabel(principal)} holds full administration (${admin.policies.join(", ")}) and ${usage} in ${dayCount(params.maxUnusedDays)}.`,
        details: {
          principalType: principal.kind,
          principalName: principal.name,
          adminPolicies: admin.policies,
          usedServices: used.map((service) => ({
            namespace: service.ServiceNamespace,
            name: service.ServiceName,
            lastAuthenticated: service.LastAuthenticated ?? null,
            ...(service.LastAuthenticatedEntity ? { lastAuthenticatedEntity: service.LastAuthenticatedEntity } : {}),
          })),
          policies: principal.policies.map((policy) => policy.id),
          accessAdvisorAsOf: access.jobCompletedAt,
          maxUnusedDays: params.maxUnusedDays,
          maxServicesUsed: params.maxServicesUsed,
        },
      });
    }
    return matches;
  },
});

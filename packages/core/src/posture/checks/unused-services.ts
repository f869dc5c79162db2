import * as z from "zod";
import type { ServiceLastAccessed } from "../../access/ServiceLastAccessed.ts";
import { AWS_IAM } from "../../rules/references.ts";
import { dayCount, daysSince } from "../credentials.ts";
import { definePostureCheck, type PostureMatch } from "../PostureCheck.ts";
import { advisedPrincipals, firstFew, principalLabel, usedWithin } from "../unusedAccess.ts";

/** Services whose grant alone changes who controls the account or its keys: unused, they are HIGH. */
const SENSITIVE_SERVICES = new Set(["iam", "sts", "organizations", "kms"]);

export const unusedServices = definePostureCheck({
  meta: {
    id: "unused-services",
    title: "Principal allowed services it has not used for 90 days",
    severity: "MEDIUM",
    description:
      "A user or role whose policies allow services it has not used for `maxUnusedDays` days (90 by default), from IAM Access Advisor (GenerateServiceLastAccessedDetails: every service the principal's policies allow, with when it last used it), and for the services AWS tracks per action, the granted actions it has not used. HIGH when an unused service is IAM, STS, Organizations or KMS, or when a policy allows every action (`*`). Principals younger than the window are left until they are older; principals with full administration are admin-unused's. Access Advisor is read for a configured number of principals per run, rotating through the rest on later runs, so each run judges only the principals it read.",
    remediation:
      "Remove the unused services from the principal's policies, starting with the sensitive ones: `details.unusedServices` lists them with when each was last used, `details.policies` the policies granting access. `vigil least-privilege` proposes a policy narrowed to the actions and resources CloudTrail shows the principal using. Access Advisor covers only the tracking period (400 days): check with the owner for yearly jobs before removing.",
    references: [AWS_IAM.leastPrivilege, AWS_IAM.removeUnused],
  },
  needs: ["authorizationDetails", "serviceLastAccessed"],
  params: z.strictObject({
    maxUnusedDays: z.number().int().min(1).max(400).default(90),
  }),
  evaluate({ authorizationDetails, serviceLastAccessed }, context) {
    const { params, now, skip } = context;
    const matches: PostureMatch[] = [];
    for (const { access, principal, admin } of advisedPrincipals(authorizationDetails, serviceLastAccessed, params.maxUnusedDays, context)) {
      if (admin.policies.length > 0) continue;
      for (const problem of admin.unreadable) skip(`${principal.arn}: ${problem}`);

      const unused = access.services.filter((service) => !usedWithin(service, params.maxUnusedDays, now));
      if (unused.length === 0) continue;
      const namespaces = unused.map((service) => service.ServiceNamespace).sort();
      const sensitive = namespaces.filter((namespace) => SENSITIVE_SERVICES.has(namespace));
      const { allActions } = admin;
      const why = [
        sensitive.length > 0 ? `including ${sensitive.join(", ")}` : "",
        allActions.length > 0 ? `through a grant of every action (${allActions.join(", ")})` : "",
      ].filter(Boolean);
      const count = namespaces.length === 1 ? "1 service" : `${namespaces.length} services`;
      matches.push({
        principal: principal.arn,
        resource: principal.arn,
        key: principal.arn,
        summary: `${principalLabel(principal)} is allowed ${count} it has not used for ${dayCount(params.maxUnusedDays)}${why.length ? ` (${why.join("; ")})` : ""}: ${firstFew(namespaces)}.`,
        ...(sensitive.length > 0 || allActions.length > 0 ? { severity: "HIGH" as const } : {}),
        details: {
          principalType: principal.kind,
          principalName: principal.name,
          unusedServices: unused.map(describeService),
          usedServices: access.services.filter((service) => usedWithin(service, params.maxUnusedDays, now)).map(describeService),
          unusedTrackedActions: unusedTrackedActions(access.services, params.maxUnusedDays, now),
          policies: principal.policies.map((policy) => policy.id),
          accessAdvisorAsOf: access.jobCompletedAt,
          maxUnusedDays: params.maxUnusedDays,
        },
      });
    }
    return matches;
  },
});

function describeService(service: ServiceLastAccessed): Record<string, unknown> {
  return {
    namespace: service.ServiceNamespace,
    name: service.ServiceName,
    lastAuthenticated: service.LastAuthenticated ?? null,
    ...(service.LastAuthenticatedEntity ? { lastAuthenticatedEntity: service.LastAuthenticatedEntity } : {}),
    ...(service.LastAuthenticatedRegion ? { lastAuthenticatedRegion: service.LastAuthenticatedRegion } : {}),
  };
}

/** `{ s3: ["s3:DeleteBucket", ...] }`: granted actions of the services AWS tracks per action, not used in the window. */
function unusedTrackedActions(services: readonly ServiceLastAccessed[], days: number, now: Date): Record<string, string[]> {
  const unused: Record<string, string[]> = {};
  for (const service of services) {
    const actions = (service.TrackedActionsLastAccessed ?? [])
      .filter((action) => action.LastAccessedTime === undefined || daysSince(action.LastAccessedTime, now) >= days)
      .map((action) => `${service.ServiceNamespace}:${action.ActionName}`)
      .sort();
    if (actions.length > 0) unused[service.ServiceNamespace] = actions;
  }
  return unused;
}

import * as z from "zod";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { identifiedCaller, principalArn } from "../../event/principal.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";
import { IAM_READ_CALLS } from "./iamReadCalls.ts";

/** One call that returns every user, group, role and policy of the account with their documents. */
const FULL_DUMP = "GetAccountAuthorizationDetails";

/**
 * Security tools that read IAM on purpose, with the user agent their source sets. `ignoreKnownTools`
 * skips them; off by default, because a user agent is whatever the caller sends.
 */
export const SECURITY_TOOLS: readonly { name: string; userAgent: RegExp; source: string }[] = [
  {
    name: "Prowler",
    userAgent: /\bAPN_1826889\b/,
    source: "https://github.com/prowler-cloud/prowler: prowler/providers/aws/config.py (BOTO3_USER_AGENT_EXTRA, overridable by PROWLER_AWS_BOTO3_USER_AGENT_EXTRA)",
  },
  {
    name: "ScoutSuite",
    userAgent: /\bScout Suite\/\d/,
    source: "https://github.com/nccgroup/ScoutSuite: ScoutSuite/providers/utils.py (get_user_agent)",
  },
];

/**
 * How attackers learn what a stolen credential can reach: Pacu's iam__enum_* modules, ScoutSuite,
 * PMapper and CloudFox sweep users, roles, groups and policies, or fetch them all in one
 * GetAccountAuthorizationDetails. The sweep is counted in distinct calls, not calls: one person
 * browsing a user in the console repeats a handful of calls, a sweep touches many different ones.
 */
export const iamEnumeration = defineRule({
  kind: "threshold",
  meta: {
    id: "iam-enumeration",
    title: "IAM enumerated by one principal",
    severity: "MEDIUM",
    description:
      "One principal called GetAccountAuthorizationDetails (which returns every user, group, role and policy with their documents), or many different IAM read calls within a short window. This is how an attacker maps what a stolen credential can reach and where to escalate. Calls made for a console session and by AWS services (invokedBy, service-linked roles) are not counted; known security tools can be skipped with `ignoreKnownTools`. The deployed monitor receives IAM read events only for this rule, a volume worth knowing: disable the rule to stop it.",
    remediation:
      "Check whether the principal runs an audit or inventory tool. If not, treat its credentials as compromised: deactivate them, revoke its sessions, and review what it did next. Tune `threshold` (distinct calls) and `windowMinutes`, or add an `ignore` entry for the tool's role and user agent.",
    references: [ATTACK.cloudAccountDiscovery, ATTACK.cloudGroupsDiscovery, ATTACK.cloudInfrastructureDiscovery],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: IAM_READ_CALLS }],
  params: z.strictObject({
    threshold: z.number().int().min(2).default(15),
    windowMinutes: z.number().positive().default(10),
    ignoreKnownTools: z.boolean().default(false),
  }),
  key(event, { params }) {
    if (byService(event) || fromConsole(event)) return undefined;
    if (params.ignoreKnownTools && SECURITY_TOOLS.some((tool) => tool.userAgent.test(event.userAgent ?? ""))) return undefined;
    // Sessions of one role count apart: each is one run of a tool, or one person.
    const caller = identifiedCaller(event);
    if (!caller) return undefined;
    return `${event.eventName === FULL_DUMP ? "dump" : "sweep"}:${caller}`;
  },
  distinct: (event) => event.eventName,
  thresholdFor: (key, params) => (key.startsWith("dump:") ? 1 : params.threshold),
  describe(key, { count, last }, { params }) {
    const caller = principalArn(last);
    const from = last.sourceIPAddress ? ` from ${last.sourceIPAddress}` : "";
    const agent = last.userAgent ? ` (user agent ${last.userAgent})` : "";
    if (key.startsWith("dump:")) {
      return {
        resource: caller,
        summary: `${caller} called GetAccountAuthorizationDetails${from}${agent}, reading every user, group, role and policy of the account.`,
        details: { call: FULL_DUMP, ...(last.userAgent ? { userAgent: last.userAgent } : {}) },
      };
    }
    return {
      resource: caller,
      summary: `${caller} made ${count} different IAM read calls within ${params.windowMinutes} minutes${from}${agent}.`,
      details: { distinctCalls: count, windowMinutes: params.windowMinutes, ...(last.userAgent ? { userAgent: last.userAgent } : {}) },
    };
  },
});

/** A service acting for a principal (AWS Config, Access Analyzer, Security Hub) reads IAM by design; no person can assume a service-linked role. */
function byService(event: CloudTrailEvent): boolean {
  const identity = event.userIdentity;
  if (identity.invokedBy || identity.type === "AWSService" || identity.type === undefined) return true;
  return identity.sessionContext?.sessionIssuer?.arn?.includes(":role/aws-service-role/") === true;
}

/** The console makes these calls as a person browses, and marks the session's records so. */
function fromConsole(event: CloudTrailEvent): boolean {
  return (event as { sessionCredentialFromConsole?: unknown }).sessionCredentialFromConsole === "true";
}

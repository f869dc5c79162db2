import { expect } from "vitest";
import { type ApiRequest, type ApiResponse, createRouter, type Router, type RuleCatalogue } from "@vigil/api";
import { catalogue, type Finding, type FindingStatus, postureChecks, resolveConfig, type Severity } from "@vigil/core";
import type { FindingStore } from "@vigil/store-dynamodb";
import { makeFinding } from "../store-dynamodb/findingFactory.ts";

export const ALICE = "arn:aws:iam::111122223333:user/alice";

/** The real catalogue and checks, with overrides GET /rules must show. */
export const RULES: RuleCatalogue = {
  catalogue,
  checks: postureChecks,
  config: resolveConfig({ rules: { "console-login-failures": { threshold: 10 }, "iam-user-created": { enabled: false, severity: "LOW" } } }, catalogue),
};

const MIX: readonly [string, Severity, FindingStatus, string][] = [
  ["root-console-login", "CRITICAL", "open", "111122223333"],
  ["root-console-login", "HIGH", "acknowledged", "444455556666"],
  ["iam-user-created", "MEDIUM", "open", "111122223333"],
  ["iam-user-created", "MEDIUM", "resolved", "111122223333"],
  ["access-key-created", "MEDIUM", "suppressed", "444455556666"],
  ["access-key-created", "LOW", "open", "444455556666"],
  ["policy-grants-full-admin", "CRITICAL", "open", "444455556666"],
  ["policy-grants-full-admin", "HIGH", "resolved", "111122223333"],
  ["cloudtrail-tampering", "HIGH", "open", "111122223333"],
  ["root-access-keys-present", "CRITICAL", "open", "111122223333"],
  ["user-has-direct-policies", "LOW", "acknowledged", "111122223333"],
  ["access-key-created", "INFO", "open", "111122223333"],
];

/** Twelve findings over rules, severities, statuses, accounts (one of them placed in an organization) and two principals, one minute apart. */
export function seededFindings(): Finding[] {
  return MIX.map(([ruleId, severity, status, account], n) =>
    makeFinding(n, {
      id: `${ruleId}:${n.toString(16).padStart(24, "0")}`,
      ruleId,
      severity,
      status,
      account,
      // Organization mode: the organization knew 444455556666, not 111122223333 (its findings carry no placement).
      ...(account === "444455556666" ? { accountName: "workload-prod", ouPath: "o-a1b2c3d4e5/r-ab12/ou-ab12-workload/" } : {}),
      principal: n % 3 === 0 ? `arn:aws:iam::${account}:root` : `arn:aws:iam::${account}:user/bob`,
    }),
  );
}

/** The CloudTrail record a seeded finding was made from (posture findings have none, but giving one is harmless: the store keeps only the finding's own events). */
export function seededRecord(finding: Finding, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventVersion: "1.08",
    eventID: finding.eventId,
    eventTime: finding.eventTime,
    eventSource: finding.eventSource,
    eventName: finding.eventName,
    awsRegion: finding.region,
    recipientAccountId: finding.account,
    userIdentity: { type: "IAMUser", arn: finding.principal },
    ...extra,
  };
}

export function routerFor(store: FindingStore, logger?: { error(message: string, attributes: Record<string, unknown>): void }): Router {
  return createRouter({ store, rules: RULES, ...(logger ? { logger } : {}) });
}

let requests = 0;

/** A request as a transport would build it: alice calling, JSON content when there is a body. */
export function apiRequest(
  method: string,
  path: string,
  options: { query?: Record<string, string>; body?: unknown; actor?: string | undefined; headers?: Record<string, string> } = {},
): ApiRequest {
  const body = options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body);
  return {
    method,
    path,
    query: options.query ?? {},
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
    ...(body === undefined ? {} : { body }),
    actor: "actor" in options ? options.actor : ALICE,
    requestId: `test-request-${++requests}`,
  };
}

export function jsonOf<T = Record<string, unknown>>(response: ApiResponse): T {
  expect(response.headers["content-type"]).toBe("application/json");
  return JSON.parse(response.body) as T;
}

/** The parameters a 400 names, in order. */
export function namedParameters(response: ApiResponse): string[] {
  expect(response.statusCode).toBe(400);
  return jsonOf<{ issues: { parameter: string }[] }>(response).issues.map((issue) => issue.parameter);
}

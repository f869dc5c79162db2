import { FINDING_STATUSES, organizationalUnitIdSchema, SEVERITIES } from "@vigil/core";
import { MAX_LIMIT, TRIAGE_ACTIONS } from "@vigil/store-dynamodb";
import * as z from "zod";

/**
 * What the API accepts, in one place: the router validates with these schemas and the OpenAPI
 * document is generated from them, so the two cannot disagree. Messages name what is expected;
 * the router prefixes the parameter.
 */

const instant = (description: string) =>
  z.iso.datetime({ offset: true, error: "expected an ISO 8601 instant such as 2026-11-01T00:00:00Z" }).describe(`${description} (ISO 8601 date-time with a zone)`);

const text = (max: number) =>
  z
    .string()
    .min(1, "expected a non-empty value")
    .max(max, `expected at most ${max} characters`);

/** A query string value is text; only a plain run of digits becomes a number, so `0x10` or `1e2` are refused. */
const wholeNumber = z.preprocess(
  (value) => (typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : value),
  z
    .number({ error: `expected a whole number from 1 to ${MAX_LIMIT}` })
    .int(`expected a whole number from 1 to ${MAX_LIMIT}`)
    .min(1, `expected a whole number from 1 to ${MAX_LIMIT}`)
    .max(MAX_LIMIT, `expected a whole number from 1 to ${MAX_LIMIT}`),
);

/** GET /findings: any combination of filters; an unknown parameter is refused, never ignored. */
export const listFindingsQuerySchema = z.strictObject({
  status: z.enum(FINDING_STATUSES, { error: `expected one of ${FINDING_STATUSES.join(", ")}` }).describe("The status in effect (a suppression past its expiry is open)").optional(),
  severity: z.enum(SEVERITIES, { error: `expected one of ${SEVERITIES.join(", ")}` }).describe("A minimum: findings at this severity or above").optional(),
  ruleId: text(128).describe("Findings of one rule or posture check").optional(),
  principal: text(2048).describe("Findings about what one principal (ARN) did").optional(),
  resource: text(2048).describe("Findings about one resource (ARN)").optional(),
  account: z.string().regex(/^\d{12}$/, "expected a 12-digit AWS account id").describe("Findings in one AWS account").optional(),
  ou: organizationalUnitIdSchema.describe("Organization mode: findings of the accounts under one OU or root (ou-ab12-11111111, r-ab12), at any depth").optional(),
  since: instant("Findings whose time (eventTime, else detectedAt) is at or after this instant").optional(),
  until: instant("Findings whose time is before this instant").optional(),
  limit: wholeNumber.describe(`Page size, 1 to ${MAX_LIMIT}; 50 when absent`).optional(),
  cursor: text(4096).describe("The cursor of the previous page of the same query").optional(),
});
export type ListFindingsQuery = z.output<typeof listFindingsQuerySchema>;

/** The `{id}` of /findings/{id}, percent-decoded. */
export const findingIdSchema = text(512).describe("The finding's id, e.g. root-console-login:1f0c2a9e5b7d3c4a6e8f0a1b");

const reason = (whenMissing: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? whenMissing : "expected a string") })
    .trim()
    .min(1, "expected a non-empty string")
    .max(1000, "expected at most 1000 characters")
    .describe("Why: shown in the finding's history");

const noExpiry = z.never({ error: "only a suppression can have an expiry" }).describe("Only with suppress").optional();

const otherAction = <A extends "acknowledge" | "resolve" | "reopen">(action: A) =>
  z.strictObject({ action: z.literal(action), reason: reason("expected a string").optional(), until: noExpiry });

/**
 * PATCH /findings/{id}: the triage action. Who acts is the authenticated caller, so an `actor` in
 * the body is refused like any other unknown field.
 */
export const triageBodySchema = z
  .discriminatedUnion(
    "action",
    [
      otherAction("acknowledge"),
      z.strictObject({
        action: z.literal("suppress"),
        reason: reason("required to suppress a finding"),
        until: instant("When the suppression ends; it never ends when absent").optional(),
      }),
      otherAction("resolve"),
      otherAction("reopen"),
    ],
    { error: `expected one of ${TRIAGE_ACTIONS.join(", ")}` },
  )
  .describe("A triage action: suppress needs a reason and may have an expiry");
export type TriageBody = z.output<typeof triageBodySchema>;

import { FINDING_STATUSES, findingSchema, findingStatusSchema, referenceSchema, SEVERITIES, severitySchema } from "@vigil/core";
import { type FindingSummary, type HistoryEntry, MAX_SOURCE_EVENT_BYTES, MAX_SOURCE_EVENTS, NOT_KEPT_REASONS, TRIAGE_ACTIONS } from "@vigil/store-dynamodb";
import * as z from "zod";
import type { ApiIssue } from "./errors.ts";

/**
 * What the API answers. Not checked at run time (the store's types already hold); they document the
 * responses in the OpenAPI document, and the tests hold real responses against them.
 */

const field = findingSchema.shape;

/** Core's Finding, its fields described as the API serves them. */
export const findingResponseSchema = findingSchema
  .extend({
    id: field.id.describe("Stable: the same event(s) always give the same id"),
    status: field.status.describe("As in effect now: a suppression past its expiry is open"),
    eventId: field.eventId.unwrap().describe("CloudTrail eventID; absent on posture findings").optional(),
    eventIds: field.eventIds.unwrap().describe("Every event behind a threshold finding").optional(),
    accountName: field.accountName.unwrap().describe("Organization mode: the account's name in the organization, when it knew the account").optional(),
    ouPath: field.ouPath.unwrap().describe("Organization mode: where the account sits, as aws:PrincipalOrgPaths writes it (o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/)").optional(),
    principal: field.principal.describe("ARN of who did it"),
    resource: field.resource.describe("What it was done to"),
    lastSeenAt: field.lastSeenAt.unwrap().describe("Posture findings: the last run that saw the condition").optional(),
  })
  .describe("A finding");

export const historyEntrySchema = z
  .object({
    at: z.string().describe("ISO instant of the change"),
    actor: z.string().describe('Who: the caller\'s identity, or "vigil" for Vigil\'s own changes'),
    action: z.enum(["create", ...TRIAGE_ACTIONS, "set-status"]),
    from: findingStatusSchema.nullable().describe("null only on the creation entry"),
    to: findingStatusSchema,
    reason: z.string().optional(),
    until: z.string().describe("A suppression's expiry").optional(),
  })
  .describe("One status change of a finding") satisfies z.ZodType<HistoryEntry>;

export const findingPageSchema = z
  .object({
    items: z.array(findingResponseSchema).describe("Newest first; may hold fewer than the limit, even none, with a cursor"),
    cursor: z.string().describe("Present when there may be more: pass it back with the same query").optional(),
  })
  .describe("One page of findings");

export const sourceEventSchema = z
  .union([
    z.object({ eventId: z.string(), record: z.unknown().describe("The CloudTrail record as it was received") }),
    z.object({
      eventId: z.string(),
      cut: z
        .object({
          text: z.string().describe(`The start of the record's JSON text, cut at ${MAX_SOURCE_EVENT_BYTES} bytes`),
          bytes: z.number().int().min(0).describe("The full JSON text's size in bytes"),
        })
        .describe("The record was longer than the store keeps"),
    }),
  ])
  .describe("A CloudTrail record the finding was made from");

export const eventNotKeptSchema = z
  .object({
    eventId: z.string(),
    reason: z
      .enum(NOT_KEPT_REASONS)
      .describe(
        `notAtHand: an earlier event of a threshold or sequence rule, remembered by id only; overLimit: after the first ${MAX_SOURCE_EVENTS} records; notRecorded: the finding was stored without records`,
      ),
  })
  .describe("An event behind the finding whose record was not kept");

export const findingDetailSchema = z
  .object({
    finding: findingResponseSchema,
    history: z.array(historyEntrySchema).describe("Oldest first, the creation included"),
    events: z.array(sourceEventSchema).describe(`The CloudTrail records the finding was made from, in the finding's event order, at most ${MAX_SOURCE_EVENTS}; none for a posture finding`),
    eventsNotKept: z.array(eventNotKeptSchema).describe("The finding's events whose record was not kept, and why"),
  })
  .describe("A finding, its history and the CloudTrail records behind it");

export const transitionResultSchema = z
  .object({ finding: findingResponseSchema.describe("The finding after the change"), entry: historyEntrySchema.describe("The history entry the change appended") })
  .describe("The outcome of a triage action");

const counts = <K extends string>(keys: readonly [K, ...K[]]) => z.object(Object.fromEntries(keys.map((key) => [key, z.number().int().min(0)])) as Record<K, z.ZodNumber>);

export const summarySchema = z
  .object({
    bySeverity: counts(SEVERITIES),
    byStatus: counts(FINDING_STATUSES),
    byRule: z.record(z.string(), z.number().int().min(0)).describe("Every known rule and posture check, 0 included"),
    byAccount: z
      .record(
        z.string(),
        z.object({
          count: z.number().int().min(0),
          accountName: z.string().describe("Organization mode: the account's name, from its newest finding that names it").optional(),
        }),
      )
      .describe("Every AWS account with a live finding, by account id"),
  })
  .describe("Counts of the live findings, each status as in effect now") satisfies z.ZodType<FindingSummary>;

export const ruleViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["event", "threshold", "sequence", "posture"]).describe("An event rule, a threshold rule, a sequence rule or a scheduled posture check"),
    title: z.string(),
    severity: severitySchema.describe("Effective: the configured override, else the rule's own"),
    enabled: z.boolean(),
    params: z.record(z.string(), z.unknown()).describe("Effective parameters, defaults filled in"),
    references: z.array(referenceSchema),
  })
  .describe("A rule with its effective configuration");

export const ruleListSchema = z.object({ rules: z.array(ruleViewSchema) }).describe("The rule catalogue and the posture checks");

export const errorBodySchema = z
  .object({
    message: z.string(),
    requestId: z.string().describe("Quote it when reporting a problem"),
    issues: z
      .array(z.object({ parameter: z.string(), message: z.string() }) satisfies z.ZodType<ApiIssue>)
      .describe("On 400: each parameter or body field that failed, by name")
      .optional(),
  })
  .describe("An error");

export type RuleView = z.output<typeof ruleViewSchema>;
export type ErrorBody = z.output<typeof errorBodySchema>;

import * as z from "zod";
import { ignoreEntrySchema } from "../config/ignoreEntry.ts";
import { referenceSchema } from "./Reference.ts";
import { severitySchema } from "./Severity.ts";

export const FINDING_STATUSES = ["open", "acknowledged", "suppressed", "resolved"] as const;
export const findingStatusSchema = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof findingStatusSchema>;

/**
 * What Vigil reports. Event findings come from CloudTrail events and carry the event's fields;
 * posture findings come from the account's state (scheduled checks) and have no event: their
 * eventId, eventName and eventSource are absent, and lastSeenAt moves each run that sees them again.
 *
 * The schema checks a finding read back from outside the process (a notification, a stored item);
 * the Finding type is inferred from it, so the two cannot drift apart.
 */
export const findingSchema = z.object({
  /** Stable: derived from the rule, the event(s) and the match key (posture: the check and the resource), so a re-scan or a redelivery yields the same id. */
  id: z.string().min(1),
  ruleId: z.string().min(1),
  title: z.string(),
  severity: severitySchema,
  status: findingStatusSchema,
  /** CloudTrail eventID of the (last) event that made the finding; absent on posture findings. */
  eventId: z.string().min(1).optional(),
  /** Every event behind a finding made from several (threshold rules). */
  eventIds: z.array(z.string()).optional(),
  eventName: z.string().optional(),
  eventSource: z.string().optional(),
  /** From the record; absent only when the record itself has no eventTime. */
  eventTime: z.string().optional(),
  account: z.string(),
  /** In organization mode: the account's name and its place (`o-.../r-.../ou-.../`), from the organization's inventory. */
  accountName: z.string().optional(),
  ouPath: z.string().optional(),
  region: z.string(),
  /** ARN of who did it. */
  principal: z.string(),
  /** What it was done to. */
  resource: z.string(),
  sourceIPAddress: z.string().optional(),
  summary: z.string(),
  description: z.string(),
  remediation: z.string(),
  references: z.array(referenceSchema),
  /** When Vigil made the finding (injected clock). */
  detectedAt: z.string().min(1),
  /** Posture findings: the last run that saw the condition. */
  lastSeenAt: z.string().optional(),
  details: z.record(z.string(), z.unknown()).optional(),
  /**
   * Event findings: the narrowest ignore entry that would have silenced this finding, in the
   * configuration file's own shape, for a reviewer who decides it is expected to paste (with a real reason).
   */
  silenceWith: ignoreEntrySchema.optional(),
});
export type Finding = z.infer<typeof findingSchema>;

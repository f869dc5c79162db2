import { InvalidInputError } from "../errors.ts";
import { type CloudTrailEvent, cloudTrailEventSchema } from "./CloudTrailEvent.ts";
import { type EventHeader, isInsight } from "./EventHeader.ts";

/** Validates one CloudTrail record; the error names the first bad field. */
export function parseEvent(value: unknown, source?: string): CloudTrailEvent {
  const result = cloudTrailEventSchema.safeParse(liftInsight(value));
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const message = issue ? describeIssue(issue) : "invalid CloudTrail record";
  throw new InvalidInputError(message, path, { source });
}

/**
 * An Insights record names the API it is about only in `insightDetails`. Lifting eventSource and
 * eventName to the top gives it the shape of every other record (findings and listings name them),
 * while the selector index keeps Insights away from the rules, which judge calls, not statistics.
 */
function liftInsight(value: unknown): unknown {
  if (value === null || typeof value !== "object") return value;
  const record = value as Record<string, unknown>;
  const details = record.insightDetails as Record<string, unknown> | null | undefined;
  if (!isInsight(record) || typeof details !== "object" || details === null) return value;
  return { eventSource: details.eventSource, eventName: details.eventName, ...record };
}

function describeIssue(issue: { code: string; message: string }): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "required field is missing";
  return issue.message;
}

/**
 * Cheap check of the fields every record needs (and the engine's selectors read), so read-only
 * noise can be triaged without the full schema. A record that fails it goes through parseEvent
 * for an error naming the field (or, for an Insights record, to be read from insightDetails); one that passes is fully parsed only if a rule wants it.
 */
export function hasRecordShape(value: unknown): value is EventHeader & { eventID: string } {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  const identity = record.userIdentity as Record<string, unknown> | null | undefined;
  // Service events have an identity without a type; it is the only optional part the selectors read.
  const identityReadable = identity === undefined || (typeof identity === "object" && identity !== null && (identity.type === undefined || typeof identity.type === "string"));
  return (
    typeof record.eventID === "string" &&
    record.eventID !== "" &&
    typeof record.eventSource === "string" &&
    record.eventSource !== "" &&
    typeof record.eventName === "string" &&
    record.eventName !== "" &&
    identityReadable &&
    (record.errorCode === undefined || typeof record.errorCode === "string")
  );
}

import { InvalidInputError } from "../errors.ts";
import { type CloudTrailEvent, cloudTrailEventSchema } from "./CloudTrailEvent.ts";
import type { EventHeader } from "./EventHeader.ts";

/** Validates one CloudTrail record; the error names the first bad field. */
export function parseEvent(value: unknown, source?: string): CloudTrailEvent {
  const result = cloudTrailEventSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const message = issue ? describeIssue(issue) : "invalid CloudTrail record";
  throw new InvalidInputError(message, path, { source });
}

function describeIssue(issue: { code: string; message: string }): string {
  if (issue.code === "invalid_type" && issue.message.endsWith("received undefined")) return "required field is missing";
  return issue.message;
}

/**
 * Cheap check of the fields every record needs (and the engine's selectors read), so read-only
 * noise can be triaged without the full schema. A record that fails it goes through parseEvent
 * for an error naming the field; one that passes is fully parsed only if a rule wants it.
 */
export function hasRecordShape(value: unknown): value is EventHeader & { eventID: string } {
  if (value === null || typeof value !== "object") return false;
  const record = value as Record<string, unknown>;
  const identity = record.userIdentity as Record<string, unknown> | null | undefined;
  return (
    typeof record.eventID === "string" &&
    record.eventID !== "" &&
    typeof record.eventSource === "string" &&
    record.eventSource !== "" &&
    typeof record.eventName === "string" &&
    record.eventName !== "" &&
    typeof identity === "object" &&
    identity !== null &&
    typeof identity.type === "string" &&
    (record.errorCode === undefined || typeof record.errorCode === "string")
  );
}

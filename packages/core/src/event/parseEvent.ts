import { InvalidInputError } from "../errors.ts";
import { type CloudTrailEvent, cloudTrailEventSchema } from "./CloudTrailEvent.ts";

/** Validates one CloudTrail record; the error names the first bad field. */
export function parseEvent(value: unknown, source?: string): CloudTrailEvent {
  const result = cloudTrailEventSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const path = issue ? issue.path.map(String).join(".") : "";
  const message = issue ? describeIssue(issue) : "invalid CloudTrail record";
  throw new InvalidInputError(message, path, { source });
}

function describeIssue(issue: { code: string; message: string; input?: unknown }): string {
  if (issue.code === "invalid_type" && issue.input === undefined) return "required field is missing";
  return issue.message;
}

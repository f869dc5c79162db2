import { type CloudTrailEvent, extractRecords, InvalidInputError, parseEvent } from "@vigil/core";
import { InvalidMessageError } from "./errors.ts";

/**
 * The body of one queue message as EventBridge delivers it: one event whose detail is a CloudTrail
 * record. Anything else is an InvalidMessageError naming where it went wrong.
 */
export function readEventMessage(body: string): CloudTrailEvent {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    throw new InvalidMessageError("body", `not JSON (${(error as Error).message})`, { cause: error });
  }
  // Without `detail`, extractRecords would read the envelope itself as a bare record.
  if (value === null || typeof value !== "object" || !("detail-type" in value) || !("detail" in value)) {
    throw new InvalidMessageError("body", "expected an EventBridge event with detail-type and detail");
  }
  const items = [...extractRecords(value)];
  const [item] = items;
  if (item === undefined || items.length !== 1) throw new InvalidMessageError("body", "expected exactly one CloudTrail record");
  if (item.kind === "error") throw new InvalidMessageError(item.at, item.message);
  try {
    return parseEvent(item.value, item.at);
  } catch (error) {
    if (error instanceof InvalidInputError) throw new InvalidMessageError(item.at, error.message, { cause: error });
    throw error;
  }
}

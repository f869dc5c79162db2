import { VigilError } from "../errors.ts";
import type { CloudTrailEvent } from "./CloudTrailEvent.ts";

/** A field a rule needs, and what the record holds there instead of a readable value. */
export interface MissingField {
  /** Dotted path in the record, e.g. `requestParameters.userName`. */
  field: string;
  /** `absent`, `null`, or the JSON type found (`a number`, `an object`, ...). */
  found: string;
}

/**
 * Thrown by a rule that selected an event but cannot judge it because a field it needs is absent
 * or unreadable. The engine turns it into a finding of that rule, so a record CloudTrail wrote
 * without its request is reported, never silently passed over.
 */
export class MissingFieldError extends VigilError {
  readonly fields: readonly MissingField[];
  /** What the rule cannot tell without the fields, completing "so it cannot tell ...". */
  readonly cannotTell: string;
  constructor(fields: readonly MissingField[], cannotTell: string) {
    super(`could not read ${describeMissing(fields)}, so it cannot tell ${cannotTell}`);
    this.fields = fields;
    this.cannotTell = cannotTell;
  }
}

/** `requestParameters.userName (absent)`, or several joined with "or" (any one would have done). */
export function describeMissing(fields: readonly MissingField[]): string {
  return fields.map((missing) => `${missing.field} (${missing.found})`).join(" or ");
}

/**
 * The first of `paths` that holds a non-empty string; otherwise throws MissingFieldError naming
 * them all. `cannotTell` completes the finding's summary: "... so it cannot tell <cannotTell>".
 */
export function need(event: CloudTrailEvent, paths: string | readonly string[], cannotTell: string): string {
  const fields: MissingField[] = [];
  for (const path of typeof paths === "string" ? [paths] : paths) {
    const read = readPath(event, path);
    if (typeof read === "string") return read;
    fields.push({ field: path, found: read.found });
  }
  throw new MissingFieldError(fields, cannotTell);
}

/** The string at `path`, or what stands in its way: `requestParameters is null` says more than `absent`. */
function readPath(event: CloudTrailEvent, path: string): string | { found: string } {
  const keys = path.split(".");
  let node: unknown = event;
  for (const [depth, key] of keys.entries()) {
    if (node === null && depth > 0) return { found: `${keys.slice(0, depth).join(".")} is null` };
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, key)) return { found: "absent" };
    node = (node as Record<string, unknown>)[key];
  }
  return typeof node === "string" && node !== "" ? node : { found: describeValue(node) };
}

function describeValue(value: unknown): string {
  if (value === undefined) return "absent";
  if (value === null) return "null";
  if (value === "") return "empty";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The request parameters, for a rule that judges them as a whole; throws MissingFieldError when CloudTrail left them out. */
export function needRequest(event: CloudTrailEvent, cannotTell: string): Record<string, unknown> {
  const params = event.requestParameters;
  if (params) return params;
  throw new MissingFieldError([{ field: "requestParameters", found: params === null ? "null" : "absent" }], cannotTell);
}

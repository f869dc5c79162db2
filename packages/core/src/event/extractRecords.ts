/**
 * Recognises the envelopes CloudTrail records arrive in and yields the records inside:
 * the S3 log file `{"Records":[...]}`, an EventBridge event (`detail` is the record), the
 * LookupEvents answer `{"Events":[{"CloudTrailEvent":"<json>"}]}`, a bare record, or a JSON array of any of these.
 */
export type Extracted =
  | { kind: "record"; value: unknown; at: string }
  | { kind: "error"; message: string; at: string };

const EVENTBRIDGE_CLOUDTRAIL_DETAIL_TYPES = new Set([
  "AWS API Call via CloudTrail",
  "AWS Console Sign In via CloudTrail",
  "AWS Service Event via CloudTrail",
  "AWS Console Action via CloudTrail",
  "AWS Insight via CloudTrail",
]);

/**
 * How deep arrays may nest around the envelopes: far more than any export (one or two), few
 * enough that a hostile `[[[[...]]]]` is reported where it passes the limit instead of
 * exhausting the stack.
 */
const MAX_ARRAY_DEPTH = 32;

export function extractRecords(value: unknown, at = "$"): Generator<Extracted> {
  return extract(value, at, 0);
}

function* extract(value: unknown, at: string, depth: number): Generator<Extracted> {
  if (Array.isArray(value)) {
    if (depth >= MAX_ARRAY_DEPTH) {
      yield { kind: "error", message: `arrays nested more than ${MAX_ARRAY_DEPTH} deep`, at };
      return;
    }
    for (let i = 0; i < value.length; i++) yield* extract(value[i], `${at}[${i}]`, depth + 1);
    return;
  }
  if (value === null || typeof value !== "object") {
    yield { kind: "error", message: `expected a JSON object, got ${describe(value)}`, at };
    return;
  }
  const obj = value as Record<string, unknown>;
  if ("Records" in obj) {
    if (!Array.isArray(obj.Records)) {
      yield { kind: "error", message: "Records: expected an array", at };
      return;
    }
    for (let i = 0; i < obj.Records.length; i++) {
      yield { kind: "record", value: obj.Records[i], at: `${at}.Records[${i}]` };
    }
    return;
  }
  if ("detail-type" in obj && "detail" in obj) {
    const detailType = obj["detail-type"];
    if (typeof detailType !== "string" || !EVENTBRIDGE_CLOUDTRAIL_DETAIL_TYPES.has(detailType)) {
      yield { kind: "error", message: `detail-type: not a CloudTrail event (${JSON.stringify(detailType)})`, at };
      return;
    }
    yield { kind: "record", value: obj.detail, at: `${at}.detail` };
    return;
  }
  if ("Events" in obj && Array.isArray(obj.Events)) {
    for (let i = 0; i < obj.Events.length; i++) {
      const here = `${at}.Events[${i}]`;
      const raw = (obj.Events[i] as { CloudTrailEvent?: unknown } | null)?.CloudTrailEvent;
      if (typeof raw !== "string") {
        yield { kind: "error", message: "CloudTrailEvent: expected a JSON string", at: here };
        continue;
      }
      try {
        yield { kind: "record", value: JSON.parse(raw), at: here };
      } catch (error) {
        yield { kind: "error", message: `CloudTrailEvent: ${(error as Error).message}`, at: here };
      }
    }
    return;
  }
  yield { kind: "record", value: obj, at };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  return typeof value;
}

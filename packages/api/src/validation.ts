import type * as z from "zod";
import { type ApiIssue, HttpError, InvalidApiRequestError } from "./errors.ts";

/** Bodies above this are refused before parsing; a triage body is a few hundred bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The query validated against the route's strict schema: unknown parameters are named, never ignored. */
export function parseQuery<S extends z.ZodObject>(schema: S, query: Record<string, string>): z.output<S> {
  const result = schema.safeParse(query);
  if (result.success) return result.data;
  const known = Object.keys(schema.shape);
  const unknown = known.length > 0 ? `unknown parameter; expected ${known.join(", ")}` : "unknown parameter; this route takes none";
  throw new InvalidApiRequestError(toIssues(result.error, unknown));
}

/** A path segment percent-decoded and validated; `name` is its template name. */
export function parsePathParameter(name: string, schema: z.ZodType<string>, segment: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(segment);
  } catch (error) {
    throw new InvalidApiRequestError([{ parameter: name, message: "malformed percent-encoding" }], { cause: error });
  }
  const result = schema.safeParse(decoded);
  if (!result.success) throw new InvalidApiRequestError(toIssues(result.error, "unknown", name));
  return result.data;
}

/** A JSON body: 415 when it says it is something else, 413 when too large, 400 when malformed or invalid. */
export function parseBody<S extends z.ZodType>(schema: S, body: string | undefined, contentType: string | undefined): z.output<S> {
  if (contentType !== undefined && !/^application\/json\s*(;|$)/i.test(contentType.trim())) {
    throw new HttpError(415, `expected a JSON body (content-type: application/json), got ${contentType}`);
  }
  if (body !== undefined && Buffer.byteLength(body) > MAX_BODY_BYTES) throw new HttpError(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(body ?? "");
  } catch (error) {
    throw new InvalidApiRequestError([{ parameter: "body", message: "expected a JSON object" }], { cause: error });
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new InvalidApiRequestError([{ parameter: "body", message: "expected a JSON object" }]);
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new InvalidApiRequestError(toIssues(result.error, "unknown field"));
}

/** One issue per bad parameter or field, named by its path; each unknown key is its own issue. */
function toIssues(error: z.ZodError, unknownMessage: string, root = "body"): ApiIssue[] {
  return error.issues.flatMap((issue): ApiIssue[] => {
    const at = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") return issue.keys.map((key) => ({ parameter: at ? `${at}.${key}` : key, message: unknownMessage }));
    return [{ parameter: at || root, message: issue.message }];
  });
}

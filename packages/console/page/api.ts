import type { FindingDetail, FindingPage, RuleView, Summary, TriageAction } from "./types.ts";

/** The API refused or failed a call: its status and its message, in words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly issues: { parameter: string; message: string }[] = [],
  ) {
    super(message);
  }
}

/** Same-origin calls to the console server, which holds the credentials (the cookie goes along by itself). */
async function call<T>(method: "GET" | "PATCH", path: string, query?: Record<string, string>, body?: unknown): Promise<T> {
  const search = query ? new URLSearchParams(query).toString() : "";
  const response = await fetch(`/api${path}${search ? `?${search}` : ""}`, {
    method,
    credentials: "same-origin",
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = parsed as { message?: string; issues?: { parameter: string; message: string }[] } | undefined;
    throw new ApiError(response.status, error?.message ?? `the API answered ${response.status}`, error?.issues ?? []);
  }
  return parsed as T;
}

export const MAX_PAGE = 100;

export const api = {
  listFindings: (query: Record<string, string>) => call<FindingPage>("GET", "/findings", query),
  getFinding: (id: string) => call<FindingDetail>("GET", `/findings/${encodeURIComponent(id)}`),
  triage: (id: string, body: { action: TriageAction; reason?: string; until?: string }) => call<FindingDetail & { entry: unknown }>("PATCH", `/findings/${encodeURIComponent(id)}`, undefined, body),
  rules: () => call<{ rules: RuleView[] }>("GET", "/rules"),
  summary: () => call<Summary>("GET", "/summary"),
};

/** Every finding of a query, page after page, up to `cap`; `complete` is false when the cap stopped it. */
export async function collectFindings(query: Record<string, string>, cap: number): Promise<{ items: FindingPage["items"]; complete: boolean }> {
  const items: FindingPage["items"] = [];
  let cursor: string | undefined;
  do {
    const page = await api.listFindings({ ...query, limit: String(MAX_PAGE), ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.cursor;
  } while (cursor && items.length < cap);
  return { items: items.slice(0, cap), complete: !cursor && items.length <= cap };
}

/** An API error in words, 409 included: what the status means, then the API's own message. */
export function describeError(error: unknown): string {
  if (!(error instanceof ApiError)) return `The request failed: ${(error as Error)?.message ?? String(error)}`;
  const meaning: Record<number, string> = {
    400: "The request was refused as invalid",
    401: "Not signed in: open the URL vigil console printed",
    403: "Refused",
    404: "Not found",
    409: "This change is not possible from the finding's current status",
    413: "Too large",
  };
  const head = meaning[error.status] ?? (error.status >= 500 ? "The API failed" : "The API refused the request");
  const issues = error.issues.map((issue) => ` ${issue.parameter}: ${issue.message}.`).join("");
  return `${head} (HTTP ${error.status}): ${error.message}.${issues}`;
}

import { atLeast, FINDING_STATUSES, type Finding, type FindingStatus, organizationalUnitIdSchema, SEVERITIES, type Severity } from "@vigil/core";
import { InvalidQueryError } from "./errors.ts";
import { isoInstant, parseInstant } from "./instant.ts";
import { type AccessPattern, INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** Any combination of filters; none lists every finding. */
export interface FindingQuery {
  status?: FindingStatus;
  /** A minimum: the findings at this severity or above. */
  severity?: Severity;
  ruleId?: string;
  principal?: string;
  resource?: string;
  account?: string;
  /** An OU or root id (`ou-ab12-11111111`, `r-ab12`): findings of the accounts under it, at any depth (organization mode). */
  ou?: string;
  /** ISO instant: findings whose time (eventTime, else detectedAt) is at or after it. */
  since?: string;
  /** ISO instant: findings whose time is before it (so `until` of one window is `since` of the next). */
  until?: string;
  /** 1 to 100; 50 when absent. */
  limit?: number;
  /** From the previous page of the same query. */
  cursor?: string;
}

export interface FindingPage {
  /** Newest first (eventTime, else detectedAt, then id). May hold fewer than `limit`, even none, when filters dropped what a page could read. */
  items: Finding[];
  /** Present when there may be more; pass it back with the same query. */
  cursor?: string;
}

/** One index partition to read, newest first. */
export interface Partition {
  indexName: string;
  keyAttribute: string;
  value: string;
}

/**
 * A condition on an item that the index key does not express, applied as a FilterExpression.
 * `status` is the status in effect (a suppression past its expiry is open); `suppression` keeps,
 * in the suppressed status partition, the suppressions that ran out (`expired`) or the others.
 */
export type ItemFilter =
  | { kind: "status"; status: FindingStatus }
  | { kind: "severity"; severities: Severity[] }
  | { kind: "field"; field: "ruleId" | "principal" | "resource" | "account"; value: string }
  /** The finding's ouPath holds the OU or root: `/<id>/` is in it. */
  | { kind: "ou"; id: string }
  | { kind: "suppression"; expired: boolean };

export interface PlannedPartition {
  partition: Partition;
  /** Every filter of the query the partition's key does not already guarantee. */
  filters: ItemFilter[];
}

export interface QueryPlan {
  /** Names the query for its cursors: every filter, absent ones included, so changing any of them invalidates a cursor (the limit is not part of it, so it may change between pages). */
  parts: unknown[];
  /** Read newest first and merged. */
  partitions: PlannedPartition[];
  /** Inclusive lower bound on the sort key: `since` as a 24-character instant. */
  lowerKey?: string;
  /** Inclusive upper bound on the sort key: just below `until`. */
  upperKey?: string;
  limit: number;
}

const FILTERS = ["status", "severity", "ruleId", "principal", "resource", "account"] as const satisfies readonly AccessPattern[];
const PARAMETERS: readonly string[] = [...FILTERS, "ou", "since", "until", "limit", "cursor"];

/**
 * Which index serves a query: the first filter given in this order, the one whose partitions are
 * usually smallest (a resource or a principal has few findings, a rule more, an account, a status
 * or a severity minimum many). The other filters are applied to what that partition holds.
 */
export const DRIVING_ORDER: readonly AccessPattern[] = ["resource", "principal", "ruleId", "account", "status", "severity"];

/** Validates a query (it may come from an API) and chooses the index partitions to read and the filters to apply. */
export function planQuery(query: FindingQuery): QueryPlan {
  if (query === null || typeof query !== "object") throw new InvalidQueryError("query", "expected an object");
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && !PARAMETERS.includes(key)) throw new InvalidQueryError(key, `unknown parameter; expected ${PARAMETERS.join(", ")}`);
  }
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidQueryError("limit", `expected a whole number from 1 to ${MAX_LIMIT}, got ${String(query.limit)}`);
  }
  const filters = checkFilters(query);
  const ou = checkOu(query);
  const since = checkInstant(query, "since");
  const until = checkInstant(query, "until");
  if (since !== undefined && until !== undefined && until <= since) throw new InvalidQueryError("until", `expected an instant after since, got ${query.until}`);

  const driver = DRIVING_ORDER.find((pattern) => filters[pattern] !== undefined);
  // No index has the OU: it is always a filter, on whatever partitions the other filters choose.
  const others: ItemFilter[] = [...itemFilters(filters, driver), ...(ou === undefined ? [] : [{ kind: "ou" as const, id: ou }])];
  const partitions =
    driver === undefined
      ? severityPartitions("INFO").map((partition) => ({ partition, filters: others }))
      : driver === "severity"
        ? severityPartitions(filters.severity!).map((partition) => ({ partition, filters: others }))
        : driver === "status"
          ? statusPartitions(filters.status!).map(({ partition, filters: own }) => ({ partition, filters: [...own, ...others] }))
          : [{ partition: partitionOf(driver, filters[driver]!), filters: others }];
  return {
    parts: [...FILTERS.map((name) => filters[name] ?? null), ou ?? null, since === undefined ? null : isoInstant(since), until === undefined ? null : isoInstant(until)],
    partitions,
    ...(since === undefined ? {} : { lowerKey: isoInstant(since) }),
    // Every sort key below `until` starts with an earlier instant, and "$" sorts after the "#" that follows it.
    ...(until === undefined ? {} : { upperKey: `${isoInstant(until - 1)}$` }),
    limit,
  };
}

type Filters = { status?: FindingStatus; severity?: Severity; ruleId?: string; principal?: string; resource?: string; account?: string };

function checkFilters(query: FindingQuery): Filters {
  const filters: Filters = {};
  for (const name of FILTERS) {
    const value: unknown = query[name];
    if (value === undefined) continue;
    if (typeof value !== "string" || value === "") throw new InvalidQueryError(name, "expected a non-empty string");
    if (name === "severity" && !(SEVERITIES as readonly string[]).includes(value)) throw new InvalidQueryError(name, `expected one of ${SEVERITIES.join(", ")}, got "${value}"`);
    if (name === "status" && !(FINDING_STATUSES as readonly string[]).includes(value)) throw new InvalidQueryError(name, `expected one of ${FINDING_STATUSES.join(", ")}, got "${value}"`);
    (filters as Record<string, string>)[name] = value;
  }
  return filters;
}

function checkOu(query: FindingQuery): string | undefined {
  const value: unknown = query.ou;
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !organizationalUnitIdSchema.safeParse(value).success) {
    throw new InvalidQueryError("ou", `expected an OU id (ou-ab12-11111111) or a root id (r-ab12), got ${JSON.stringify(value)}`);
  }
  return value;
}

function checkInstant(query: FindingQuery, name: "since" | "until"): number | undefined {
  const text = query[name];
  if (text === undefined) return undefined;
  const ms = parseInstant(text);
  if (ms === undefined) throw new InvalidQueryError(name, `expected an ISO 8601 instant between 1970 and 9999 such as 2026-11-01T00:00:00Z, got ${JSON.stringify(text)}`);
  return ms;
}

/** The filters the driving partition does not guarantee. */
function itemFilters(filters: Filters, driver: AccessPattern | undefined): ItemFilter[] {
  const result: ItemFilter[] = [];
  if (filters.status !== undefined && driver !== "status") result.push({ kind: "status", status: filters.status });
  if (filters.severity !== undefined && driver !== "severity") result.push({ kind: "severity", severities: SEVERITIES.filter((severity) => atLeast(severity, filters.severity!)) });
  for (const field of ["ruleId", "principal", "resource", "account"] as const) {
    const value = filters[field];
    if (value !== undefined && driver !== field) result.push({ kind: "field", field, value });
  }
  return result;
}

function partitionOf(pattern: AccessPattern, value: string): Partition {
  return { indexName: INDEX_NAMES[pattern], keyAttribute: KEY_ATTRIBUTES[pattern], value };
}

/** Every finding has a severity, so the severity partitions at or above INFO hold them all. */
function severityPartitions(minimum: Severity): Partition[] {
  return SEVERITIES.filter((severity) => atLeast(severity, minimum)).map((severity) => partitionOf("severity", severity));
}

/**
 * A suppression that ran out is open although its item is still in the suppressed partition until
 * the sweep moves it: "open" reads both partitions, "suppressed" leaves those out.
 */
function statusPartitions(status: FindingStatus): PlannedPartition[] {
  if (status === "open") {
    return [
      { partition: partitionOf("status", "open"), filters: [] },
      { partition: partitionOf("status", "suppressed"), filters: [{ kind: "suppression", expired: true }] },
    ];
  }
  return [{ partition: partitionOf("status", status), filters: status === "suppressed" ? [{ kind: "suppression", expired: false }] : [] }];
}

import { atLeast, type Finding, type FindingStatus, SEVERITIES, type Severity } from "@vigil/core";
import { InvalidQueryError } from "./errors.ts";
import { ACCESS_PATTERNS, type AccessPattern, INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;
const STATUSES: readonly FindingStatus[] = ["open", "acknowledged", "suppressed", "resolved"];

interface FilterValues {
  status: FindingStatus;
  /** A minimum: the findings at this severity or above. */
  severity: Severity;
  ruleId: string;
  principal: string;
  resource: string;
  account: string;
}

type Only<K extends AccessPattern> = { [P in K]: FilterValues[P] } & { [P in Exclude<AccessPattern, K>]?: undefined };

/** At most one access pattern; none lists every finding. */
export type FindingFilter = { [K in AccessPattern]: Only<K> }[AccessPattern] | { [P in AccessPattern]?: undefined };

export type FindingQuery = FindingFilter & {
  /** 1 to 100; 50 when absent. */
  limit?: number;
  /** From the previous page of the same query. */
  cursor?: string;
};

export interface FindingPage {
  /** Newest first (eventTime, else detectedAt). */
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

export interface QueryPlan {
  /** Names the query for its cursors (the limit is not part of it, so it may change between pages). */
  parts: string[];
  partitions: Partition[];
  limit: number;
}

/** Validates a query (it may come from an API) and turns it into the index partitions to merge. */
export function planQuery(query: FindingQuery): QueryPlan {
  const limit = query.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new InvalidQueryError(`limit: expected a whole number from 1 to ${MAX_LIMIT}, got ${String(query.limit)}`);
  }
  const given = ACCESS_PATTERNS.filter((pattern) => query[pattern] !== undefined);
  if (given.length > 1) throw new InvalidQueryError(`give at most one of ${ACCESS_PATTERNS.join(", ")}; got ${given.join(", ")}`);
  const pattern = given[0];
  if (pattern === undefined) return { parts: ["all"], partitions: severityPartitions("INFO"), limit };
  const value: unknown = query[pattern];
  if (typeof value !== "string" || value === "") throw new InvalidQueryError(`${pattern}: expected a non-empty string`);
  if (pattern === "severity") {
    if (!(SEVERITIES as readonly string[]).includes(value)) throw new InvalidQueryError(`severity: expected one of ${SEVERITIES.join(", ")}, got "${value}"`);
    return { parts: ["severity>=", value], partitions: severityPartitions(value as Severity), limit };
  }
  if (pattern === "status" && !(STATUSES as readonly string[]).includes(value)) {
    throw new InvalidQueryError(`status: expected one of ${STATUSES.join(", ")}, got "${value}"`);
  }
  return { parts: [pattern, value], partitions: [{ indexName: INDEX_NAMES[pattern], keyAttribute: KEY_ATTRIBUTES[pattern], value }], limit };
}

/** Every finding has a severity, so the severity partitions at or above INFO hold them all. */
function severityPartitions(minimum: Severity): Partition[] {
  return SEVERITIES.filter((severity) => atLeast(severity, minimum)).map((severity) => ({
    indexName: INDEX_NAMES.severity,
    keyAttribute: KEY_ATTRIBUTES.severity,
    value: severity,
  }));
}

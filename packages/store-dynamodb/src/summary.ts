import { FINDING_STATUSES, type FindingStatus, SEVERITIES, type Severity } from "@vigil/core";
import { InvalidRequestError } from "./errors.ts";
import type { ItemFilter, Partition } from "./FindingQuery.ts";
import { INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface SummaryOptions {
  /**
   * The rules to count. An index cannot list its partition keys without a Scan, so the caller says
   * which rules it runs (the API: the enabled rules and posture checks); each is one counted
   * partition, and a rule with no finding counts 0.
   */
  ruleIds: readonly string[];
}

/** Counts of the live findings (a resolved one past its retention is not counted), each status as in effect now. */
export interface FindingSummary {
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  byRule: Record<string, number>;
}

/** One COUNT Query: a partition, the filters on it, and the tally it adds to. */
export interface Count {
  partition: Partition;
  filters: ItemFilter[];
  tally: "bySeverity" | "byStatus" | "byRule";
  key: string;
}

export const MAX_SUMMARY_RULES = 500;

/**
 * The COUNT Queries of a summary: every severity partition, every status partition (the suppressed
 * one twice: the suppressions still running, and those that ran out, which are open), and each
 * rule's partition. Every live finding is in exactly one severity and one status count.
 */
export function summaryCounts(options: SummaryOptions): Count[] {
  const ruleIds = checkRuleIds(options?.ruleIds);
  const partition = (pattern: "severity" | "status" | "ruleId", value: string): Partition => ({ indexName: INDEX_NAMES[pattern], keyAttribute: KEY_ATTRIBUTES[pattern], value });
  return [
    ...SEVERITIES.map((severity): Count => ({ partition: partition("severity", severity), filters: [], tally: "bySeverity", key: severity })),
    ...FINDING_STATUSES.map((status): Count => ({
      partition: partition("status", status),
      filters: status === "suppressed" ? [{ kind: "suppression", expired: false }] : [],
      tally: "byStatus",
      key: status,
    })),
    { partition: partition("status", "suppressed"), filters: [{ kind: "suppression", expired: true }], tally: "byStatus", key: "open" },
    ...ruleIds.map((ruleId): Count => ({ partition: partition("ruleId", ruleId), filters: [], tally: "byRule", key: ruleId })),
  ];
}

export function emptySummary(ruleIds: readonly string[]): FindingSummary {
  const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  return { bySeverity: zeros(SEVERITIES), byStatus: zeros(FINDING_STATUSES), byRule: zeros(ruleIds) };
}

function checkRuleIds(ruleIds: unknown): string[] {
  if (!Array.isArray(ruleIds)) throw new InvalidRequestError("ruleIds", "expected a list of rule ids");
  if (ruleIds.length > MAX_SUMMARY_RULES) throw new InvalidRequestError("ruleIds", `expected at most ${MAX_SUMMARY_RULES} rule ids, got ${ruleIds.length}`);
  ruleIds.forEach((ruleId, index) => {
    if (typeof ruleId !== "string" || ruleId === "") throw new InvalidRequestError(`ruleIds[${index}]`, "expected a non-empty string");
  });
  return [...new Set(ruleIds as string[])];
}

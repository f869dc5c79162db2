import { FINDING_STATUSES, type FindingStatus, SEVERITIES, type Severity } from "@vigil/core";
import { InvalidRequestError } from "./errors.ts";

export interface SummaryOptions {
  /**
   * The rules to count. An index cannot list its partition keys without a Scan, so the caller says
   * which rules it runs (the API: the enabled rules and posture checks); a rule with no finding
   * counts 0, and findings of rules not asked for count only by severity and status.
   */
  ruleIds: readonly string[];
}

/** Counts of the live findings (a resolved one past its retention is not counted), each status as in effect now. */
export interface FindingSummary {
  bySeverity: Record<Severity, number>;
  byStatus: Record<FindingStatus, number>;
  byRule: Record<string, number>;
  /** Every account with a live finding, by id: its count and, in organization mode, its name from the findings. */
  byAccount: Record<string, AccountCount>;
}

export interface AccountCount {
  count: number;
  /** The name the account's newest-stored finding gave it; absent when none named it (one account, or an account the organization did not know). */
  accountName?: string;
}

export const MAX_SUMMARY_RULES = 500;

/** The rules a summary counts, checked and without repeats. */
export function summaryRuleIds(options: SummaryOptions): string[] {
  return checkRuleIds(options?.ruleIds);
}

export function emptySummary(ruleIds: readonly string[]): FindingSummary {
  const zeros = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>;
  return { bySeverity: zeros(SEVERITIES), byStatus: zeros(FINDING_STATUSES), byRule: zeros(ruleIds), byAccount: {} };
}

function checkRuleIds(ruleIds: unknown): string[] {
  if (!Array.isArray(ruleIds)) throw new InvalidRequestError("ruleIds", "expected a list of rule ids");
  if (ruleIds.length > MAX_SUMMARY_RULES) throw new InvalidRequestError("ruleIds", `expected at most ${MAX_SUMMARY_RULES} rule ids, got ${ruleIds.length}`);
  ruleIds.forEach((ruleId, index) => {
    if (typeof ruleId !== "string" || ruleId === "") throw new InvalidRequestError(`ruleIds[${index}]`, "expected a non-empty string");
  });
  return [...new Set(ruleIds as string[])];
}

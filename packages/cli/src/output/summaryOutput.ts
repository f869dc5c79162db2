import { FINDING_STATUSES, printable, SEVERITIES } from "@vigil/core";
import type { FindingSummary } from "@vigil/store-dynamodb";
import type { Style } from "./style.ts";

/**
 * GET /summary for a person: the totals by severity and status on one line each, then the rules
 * and the accounts that have findings, most first (an account with its name when the organization
 * knew it), so that the accounts needing attention come first.
 */
export function renderSummary(summary: FindingSummary, location: string, style: Style): string {
  const total = SEVERITIES.reduce((sum, severity) => sum + summary.bySeverity[severity], 0);
  if (total === 0) return `No findings in ${printable(location)}.\n`;
  const severities = SEVERITIES.filter((severity) => summary.bySeverity[severity] > 0).map((severity) => style.severity(severity, ` ${summary.bySeverity[severity]} ${severity} `));
  const statuses = FINDING_STATUSES.filter((status) => summary.byStatus[status] > 0).map((status) => `${summary.byStatus[status]} ${status}`);
  const rules = mostFirst(Object.entries(summary.byRule).filter(([, count]) => count > 0));
  const accounts = mostFirst(Object.entries(summary.byAccount).map(([account, entry]) => [account, entry.count] as [string, number]));
  const width = String(Math.max(...rules.map(([, count]) => count), ...accounts.map(([, count]) => count))).length;
  // Rule ids and account names come from the store, which holds what was written into it.
  const row = (count: number, label: string) => `  ${String(count).padStart(width)}  ${printable(label)}`;
  const out = [
    `${style.bold(`${total} finding${total === 1 ? "" : "s"}`)} in ${printable(location)}`,
    `  ${severities.join(" ")}`,
    `  ${statuses.join(", ")}`,
    "",
    style.bold("By rule"),
    ...rules.map(([ruleId, count]) => row(count, ruleId)),
    "",
    style.bold("By account"),
    ...accounts.map(([account, count]) => {
      const name = summary.byAccount[account]?.accountName;
      return row(count, name ? `${account}  ${name}` : account);
    }),
  ];
  return `${out.join("\n")}\n`;
}

/** Most findings first; ties by name, so the output is stable. */
function mostFirst(entries: [string, number][]): [string, number][] {
  return entries.sort(([a, countA], [b, countB]) => countB - countA || a.localeCompare(b));
}

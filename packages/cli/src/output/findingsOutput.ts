import { type Finding, formatReference, printable, printableJson, SEVERITIES } from "@vigil/core";
import type { HistoryEntry } from "@vigil/store-dynamodb";
import type { Style } from "./style.ts";
import { wrap } from "./wrap.ts";

const WIDTH = 80;
const INDENT = "    ";

/**
 * Stored findings grouped by severity, most severe first, newest first within a group, as
 * `vigil scan` shows them, plus what triage needs: each finding's status and id.
 */
export function renderFindingList(findings: readonly Finding[], style: Style): string {
  if (findings.length === 0) return "No findings.\n";
  const out: string[] = [];
  for (const severity of SEVERITIES) {
    const group = findings.filter((finding) => finding.severity === severity);
    if (group.length === 0) continue;
    out.push(style.severity(severity, ` ${severity} `) + style.bold(` ${group.length} finding${group.length === 1 ? "" : "s"}`));
    for (const finding of group) {
      // The store holds what records said, which an attacker may have written: every value escaped.
      out.push(`  ${style.bold(printable(finding.ruleId))}  ${finding.status}`);
      out.push(INDENT + wrap(printable(finding.summary), WIDTH - INDENT.length, INDENT));
      out.push(INDENT + style.dim(printable([timeOf(finding), accountOf(finding), finding.region, finding.eventName].filter(Boolean).join("  "))));
      out.push(INDENT + style.dim(`id: ${printable(finding.id)}`));
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

/** One finding in full, then its history, oldest first. */
export function renderFindingDetail(finding: Finding, history: readonly HistoryEntry[], style: Style): string {
  const field = (name: string, value: string | undefined) => (value ? [`  ${style.dim(name.padEnd(12))}${wrap(printable(value), WIDTH - 14, " ".repeat(14))}`] : []);
  const out = [
    `${style.severity(finding.severity, ` ${finding.severity} `)} ${style.bold(printable(finding.ruleId))}  ${finding.status}`,
    `  ${wrap(printable(finding.summary), WIDTH - 2, "  ")}`,
    "",
    ...field("id", finding.id),
    ...field("title", finding.title),
    ...field("time", timeOf(finding)),
    ...field("account", `${accountOf(finding)}  ${finding.region}`),
    ...field("ou", finding.ouPath),
    ...field("principal", finding.principal),
    ...field("resource", finding.resource),
    ...field("event", [finding.eventName, finding.eventSource, finding.eventId].filter(Boolean).join("  ")),
    ...field("source ip", finding.sourceIPAddress),
    ...field("references", finding.references.map(formatReference).join(", ")),
    ...field("remediation", finding.remediation),
    // One line, unwrapped: it is meant to be copied into the configuration's ignore list.
    ...(finding.silenceWith ? ["", `Silence with: ${printableJson(finding.silenceWith)}`] : []),
    "",
    style.bold("History"),
    ...history.map((entry) => `  ${describeEntry(entry, style)}`),
  ];
  return `${out.join("\n")}\n`;
}

/** What a triage action did, in one line. */
export function renderTransition(finding: Finding, entry: HistoryEntry): string {
  const done: Record<string, string> = { acknowledge: "Acknowledged", suppress: "Suppressed", resolve: "Resolved", reopen: "Reopened" };
  const until = entry.until ? ` until ${entry.until}` : "";
  return printable(`${done[entry.action] ?? entry.action} ${finding.id} (${entry.from} -> ${entry.to}) as ${entry.actor}${until}.`) + "\n";
}

function describeEntry(entry: HistoryEntry, style: Style): string {
  const change = entry.from === null ? `${entry.action} -> ${entry.to}` : `${entry.action} ${entry.from} -> ${entry.to}`;
  const extra = [entry.until ? `until ${entry.until}` : "", entry.reason ? `"${entry.reason}"` : ""].filter(Boolean).join("  ");
  // A triage reason or an actor is whatever the API was sent.
  return `${style.dim(printable(entry.at))}  ${printable(`${entry.actor}  ${change}${extra ? `  ${extra}` : ""}`)}`;
}

/** The account id, with its name beside it when the organization knew the account. */
function accountOf(finding: Finding): string {
  return finding.accountName ? `${finding.account} (${finding.accountName})` : finding.account;
}

function timeOf(finding: Finding): string {
  return finding.eventTime ?? finding.lastSeenAt ?? finding.detectedAt;
}

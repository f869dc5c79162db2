import { type ActionUse, printable, printableLines } from "@vigil/core";
import type { Style } from "../output/style.ts";
import { plural } from "../options.ts";
import type { LeastPrivilegeReport } from "./report.ts";

/** Resources shown per action in the table; JSON has every one kept. */
const SHOWN_RESOURCES = 5;

/** The report for people: sections by what a reviewer decides on, the proposed policy last but for its limits. */
export function renderTable(report: LeastPrivilegeReport, style: Style): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push("", style.bold(title));
  lines.push(`${style.bold("Principal")} ${printable(report.principal)}, calls from ${report.window.since} to ${report.window.until}`);

  section(`Used (${plural(report.used.length, "action")})`);
  usesBy(report.used, lines, style);
  section(`Denied (${plural(report.denied.length, "action")})`);
  usesBy(report.denied, lines, style);
  if (report.failed.length > 0) {
    section(`Failed, not denied (${plural(report.failed.length, "action")})`);
    usesBy(report.failed, lines, style);
  }
  if (report.notIamActions.length > 0) {
    section(`Not IAM actions (${report.notIamActions.length})`);
    for (const call of report.notIamActions) lines.push(`  ${printable(call.eventSource)} ${printable(call.eventName)}  ${plural(call.count, "call")}, ${timeSpan(call)}`);
  }
  if (report.unused) {
    section(`Granted, never used (${plural(report.unused.length, "action")})`);
    for (const [service, entries] of byService(report.unused.map((entry) => ({ ...entry, service: entry.action.split(":")[0] as string })))) {
      const names = entries.map((entry) => entry.action.slice(service.length + 1) + (entry.note ? "*" : ""));
      lines.push(`  ${service} (${entries.length}): ${shortList(names)}`);
    }
    if (report.unused.some((entry) => entry.note)) lines.push(style.dim("  * data events: the archive holds some of this type, perhaps not for every resource"));
  }
  if (report.unknowable.length > 0) {
    section(`Granted, unknowable from this archive (${plural(report.unknowable.length, "action")})`);
    const byReason = new Map<string, string[]>();
    for (const entry of report.unknowable) byReason.set(entry.why, [...(byReason.get(entry.why) ?? []), entry.action]);
    for (const [why, actions] of byReason) lines.push(`  ${why}: ${shortList(actions)}`);
  }
  section("Proposed policy");
  lines.push(printableLines(JSON.stringify(report.proposedPolicy, null, 2)));
  section(`Vigil's rules on the proposed policy (${report.policyCheck.length} findings)`);
  for (const finding of report.policyCheck) lines.push(`  ${style.severity(finding.severity, finding.severity)} ${finding.ruleId}: ${printable(finding.title)}`);
  section("Limits");
  for (const limit of report.limits) lines.push(`  - ${printable(limit)}`);
  const { stats } = report;
  lines.push("", `Read ${plural(stats.files, "file")}, ${plural(stats.events, "event")} (${stats.skipped} skipped${stats.unreadableFiles ? `, ${plural(stats.unreadableFiles, "unreadable file")}` : ""}): ${plural(stats.matched, "call")} of the principal in the window`);
  return `${lines.join("\n")}\n`;
}

function usesBy(uses: readonly ActionUse[], lines: string[], style: Style): void {
  for (const [service, entries] of byService(uses)) {
    lines.push(`  ${service}`);
    for (const use of entries) {
      const codes = Object.entries(use.errorCodes).map(([code, count]) => `${printable(code)} ${count}`);
      lines.push(`    ${use.action}  ${plural(use.count, "call")}, ${timeSpan(use)}${codes.length > 0 ? `  (${codes.join(", ")})` : ""}`);
      for (const arn of use.resources.slice(0, SHOWN_RESOURCES)) lines.push(style.dim(`      ${printable(arn)}`));
      const more = use.resources.length - SHOWN_RESOURCES;
      if (more > 0 || use.callsOnOtherResources > 0) lines.push(style.dim(`      ... ${more > 0 ? `${more} more` : ""}${use.callsOnOtherResources > 0 ? ` and ${plural(use.callsOnOtherResources, "call")} on resources not kept` : ""}`));
    }
  }
}

/** `first .. last`, or that the calls carried no time. */
function timeSpan(use: { first: string; last: string }): string {
  return use.first === "" ? "time not recorded" : `${use.first} .. ${use.last}`;
}

function byService<T extends { service: string }>(entries: readonly T[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const entry of entries) grouped.set(entry.service, [...(grouped.get(entry.service) ?? []), entry]);
  return grouped;
}

/** Names listed in a table line: a service-wide grant (`ec2:*`) would otherwise print hundreds. */
const LISTED_NAMES = 12;

function shortList(names: readonly string[]): string {
  if (names.length <= LISTED_NAMES) return names.join(", ");
  return `${names.slice(0, LISTED_NAMES).join(", ")} and ${names.length - LISTED_NAMES} more (--format json lists them all)`;
}

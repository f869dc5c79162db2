import { type Finding, formatReference, printable, SEVERITIES } from "@vigil/core";
import type { Style } from "./style.ts";
import { wrap } from "./wrap.ts";

const WIDTH = 80;
const INDENT = "    ";

/**
 * Findings grouped by severity, most severe first, newest first within a group: each finding is
 * its rule id, its one-sentence summary, then who, where and when on a dimmed line.
 */
export function renderFindingsTable(findings: readonly Finding[], style: Style): string {
  if (findings.length === 0) return "No findings.\n";
  const out: string[] = [];
  for (const severity of SEVERITIES) {
    const group = findings
      .filter((finding) => finding.severity === severity)
      .sort((a, b) => (b.eventTime ?? b.detectedAt).localeCompare(a.eventTime ?? a.detectedAt));
    if (group.length === 0) continue;
    out.push(style.severity(severity, ` ${severity} `) + style.bold(` ${group.length} finding${group.length === 1 ? "" : "s"}`));
    for (const finding of group) {
      // Every value may come from a record an attacker wrote: shown escaped, before Vigil's own styling.
      out.push(`  ${style.bold(printable(finding.ruleId))}`);
      out.push(INDENT + wrap(printable(finding.summary), WIDTH - INDENT.length, INDENT));
      const where = [finding.eventTime ?? finding.lastSeenAt ?? finding.detectedAt, finding.account, finding.region, finding.eventName].filter(Boolean).map((value) => printable(value as string)).join("  ");
      out.push(INDENT + style.dim(where));
      out.push(INDENT + style.dim(wrap(`resource: ${printable(finding.resource)}`, WIDTH - INDENT.length, INDENT)));
      const references = printable(finding.references.map(formatReference).join(", "));
      if (references) out.push(INDENT + style.dim(references));
    }
    out.push("");
  }
  return `${out.join("\n")}\n`;
}

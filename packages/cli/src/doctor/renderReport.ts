import { printable } from "@vigil/core";
import type { Style } from "../output/style.ts";
import { AREAS, type Check, type CheckStatus } from "./Check.ts";
import type { DoctorReport } from "./runDoctor.ts";

const LABELS: Record<CheckStatus, string> = { ok: "ok", warning: "warning", problem: "PROBLEM", unchecked: "unchecked" };
const WIDTH = Math.max(...Object.values(LABELS).map((label) => label.length));

/** Exit 1 when something is wrong; a check that could not be made is reported, never counted as wrong. */
export function exitCodeOf(report: DoctorReport): 0 | 1 {
  return report.checks.some((entry) => entry.status === "problem") ? 1 : 0;
}

function count(checks: readonly Check[], status: CheckStatus): number {
  return checks.filter((entry) => entry.status === status).length;
}

const counted = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** One line: the problems first, named, then the warnings and what could not be checked. */
export function verdictOf(report: DoctorReport): string {
  const { checks } = report;
  const problems = checks.filter((entry) => entry.status === "problem");
  const warnings = count(checks, "warning");
  const unchecked = count(checks, "unchecked");
  const rest = [...(warnings ? [counted(warnings, "warning")] : []), ...(unchecked ? [`${unchecked} not checked`] : [])];
  if (problems.length === 0) {
    const head = unchecked || warnings ? `No problem found in ${counted(checks.length - unchecked, "check")}` : `All ${counted(checks.length, "check")} ok`;
    return `${head}${rest.length ? `; ${rest.join(", ")}` : ""}.`;
  }
  const named = printable([...new Set(problems.map((entry) => entry.subject))].join("; "));
  return `${counted(problems.length, "problem")}${rest.length ? ` (and ${rest.join(", ")})` : ""}: ${named}`;
}

/** Lines grouped by area, the action under its check, then the verdict. */
export function renderText(report: DoctorReport, style: Style): string {
  const lines = [`Vigil doctor: stage ${printable(report.stage)}, as account ${printable(report.account)}, configuration from ${printable(report.config)}`];
  for (const area of AREAS) {
    const checks = report.checks.filter((entry) => entry.area === area);
    if (checks.length === 0) continue;
    lines.push("", style.bold(area));
    for (const entry of checks) {
      const label = LABELS[entry.status].padEnd(WIDTH);
      // Subjects and details quote what AWS answered (stack, topic and account names, error messages): escaped.
      lines.push(`  ${entry.status === "problem" ? style.bold(label) : entry.status === "ok" ? label : style.dim(label)}  ${printable(entry.subject)}: ${printable(entry.detail)}`);
      if (entry.action) lines.push(`  ${" ".repeat(WIDTH)}  → ${printable(entry.action)}`);
    }
  }
  lines.push("", verdictOf(report));
  return `${lines.join("\n")}\n`;
}

export function renderJson(report: DoctorReport): string {
  const summary = Object.fromEntries((Object.keys(LABELS) as CheckStatus[]).map((status) => [status, count(report.checks, status)]));
  return `${JSON.stringify({ ...report, summary, verdict: verdictOf(report) }, null, 2)}\n`;
}

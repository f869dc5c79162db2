import { parseSeverity, type Severity } from "@vigil/core";
import { UsageError } from "./errors.ts";

/** A severity option (--min-severity, --fail-on), in any case; undefined when not given. */
export function severityOption(text: string | undefined, option: string): Severity | undefined {
  if (text === undefined) return undefined;
  const severity = parseSeverity(text);
  if (!severity) throw new UsageError(`${option}: expected CRITICAL, HIGH, MEDIUM, LOW or INFO, got "${text}"`);
  return severity;
}

/** "1 file", "1,024 events": for summary lines. */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString("en-US")} ${noun}${count === 1 ? "" : "s"}`;
}

/** The options of the commands that print findings they make (scan, posture), for parseArgs. */
export const FINDINGS_RUN_OPTIONS = {
  format: { type: "string", default: "table" },
  "min-severity": { type: "string" },
  "fail-on": { type: "string" },
  config: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

export interface FindingsRunOutput {
  format: "table" | "json";
  /** Findings below it are counted, not printed. */
  minSeverity: Severity;
  /** Exit 1 when a finding is at or above it. */
  failOn: Severity | undefined;
}

/** FINDINGS_RUN_OPTIONS' output options, checked (UsageError naming the option). */
export function findingsRunOutput(values: { format?: string; "min-severity"?: string; "fail-on"?: string }): FindingsRunOutput {
  const format = values.format ?? "table";
  if (format !== "table" && format !== "json") throw new UsageError(`--format: expected table or json, got "${format}"`);
  return { format, minSeverity: severityOption(values["min-severity"], "--min-severity") ?? "INFO", failOn: severityOption(values["fail-on"], "--fail-on") };
}

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

/** How findings are printed: a table for people; Vigil's JSON, ASFF (Security Hub) or OCSF (JSON lines) for machines. */
export const FINDINGS_FORMATS = ["table", "json", "asff", "ocsf"] as const;
export type FindingsFormat = (typeof FINDINGS_FORMATS)[number];

/** The --format option, checked (UsageError naming the formats). */
export function formatOption(text: string | undefined): FindingsFormat {
  const format = text ?? "table";
  if (!(FINDINGS_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: expected table, json, asff or ocsf, got "${format}"`);
  return format as FindingsFormat;
}

/** The lines the usage texts share about the machine formats. */
export const FORMATS_USAGE = `Formats: table (default), json (Vigil's findings as one JSON array), ocsf (one OCSF 1.6
record per line: Detection Finding for events, Compliance Finding for posture), asff (one
JSON array for aws securityhub batch-import-findings --findings file://FILE, which takes
at most 100 findings per call: split a longer file first). ASFF's ProductArn is the default
product of the finding's account in the finding's region, or in --region when one is given;
each account imports its own findings.`;

export interface FindingsRunOutput {
  format: FindingsFormat;
  /** Findings below it are counted, not printed. */
  minSeverity: Severity;
  /** Exit 1 when a finding is at or above it. */
  failOn: Severity | undefined;
}

/** FINDINGS_RUN_OPTIONS' output options, checked (UsageError naming the option). */
export function findingsRunOutput(values: { format?: string; "min-severity"?: string; "fail-on"?: string }): FindingsRunOutput {
  return { format: formatOption(values.format), minSeverity: severityOption(values["min-severity"], "--min-severity") ?? "INFO", failOn: severityOption(values["fail-on"], "--fail-on") };
}

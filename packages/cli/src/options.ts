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

import { atLeast, SEVERITIES, type Severity } from "@vigil/core";

export interface SeverityFilterPolicy {
  severity: Severity[];
}

/**
 * The SNS subscription filter policy (on message attributes) that passes findings of `minimum`
 * severity and above, e.g. `{ severity: ["CRITICAL", "HIGH"] }` for HIGH.
 */
export function severityFilterPolicy(minimum: Severity): SeverityFilterPolicy {
  return { severity: SEVERITIES.filter((severity) => atLeast(severity, minimum)) };
}

import { type Finding, printable } from "@vigil/core";
import { plural } from "../options.ts";
import type { OrganizationPosture } from "./readOrganization.ts";

/** Every finding of the accounts read, in the inventory's order. */
export function organizationFindings(posture: OrganizationPosture): Finding[] {
  return posture.outcomes.flatMap((outcome) => (outcome.read ? outcome.run.findings : []));
}

/**
 * One line per account, as `vigil posture` summarises one: what was read and found, or why it was
 * not read; an account's problems and skipped checks are named by count (the single-account run
 * lists them).
 */
export function describeAccounts(posture: OrganizationPosture): string {
  const lines = posture.outcomes.map((outcome) => {
    const { account } = outcome;
    // Account names are whatever the organization was told: escaped, as every value shown.
    const who = `${account.id} (${printable(account.name)})${account.id === posture.caller ? " [your account]" : ""}`;
    if (!outcome.read) return `  ${who}: NOT READ: ${printable(outcome.detail)}`;
    const { run } = outcome;
    const calls = Object.values(run.read.calls).reduce((sum, count) => sum + count, 0);
    const skipped = new Set(run.skipped.map((entry) => entry.checkId)).size;
    const problems = run.read.problems.length > 0 ? `, ${plural(run.read.problems.length, "part")} not read` : "";
    const stored = run.sync ? `; ${run.sync.created.length} new, ${run.sync.resolved.length} resolved` : "";
    return `  ${who}: ${plural(calls, "API call")}, ${plural(run.checksRun.length, "check")} run, ${skipped} skipped${problems}: ${plural(run.findings.length, "finding")}${stored}`;
  });
  return `${lines.join("\n")}\n`;
}

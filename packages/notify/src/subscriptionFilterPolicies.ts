import type { Severity } from "@vigil/core";
import { severityFilterPolicy } from "./severityFilterPolicy.ts";

/** The message attribute that marks what is not a finding; findings do not carry it. */
export const KIND_ATTRIBUTE = "kind";
/** `kind` of a posture run's digest. */
export const DIGEST_KIND = "digest";
/** `ruleId` attribute of a digest, so a subscriber can select digests as it selects a rule's findings. */
export const DIGEST_RULE_ID = "posture-digest";

export interface EmailFilterPolicy {
  $or: [{ kind: [typeof DIGEST_KIND] }, { severity: Severity[] }];
}

export interface FindingsOnlyFilterPolicy {
  severity: Severity[];
  kind: [{ exists: false }];
}

/**
 * For people (email): every posture digest, whatever its severity (it is the daily account of what
 * changed and of any key remediation, and proof the checks ran), plus the findings at `minimum`
 * and above, e.g. `{ $or: [{ kind: ["digest"] }, { severity: ["CRITICAL", "HIGH"] }] }`.
 */
export function emailFilterPolicy(minimum: Severity): EmailFilterPolicy {
  return { $or: [{ kind: [DIGEST_KIND] }, severityFilterPolicy(minimum)] };
}

/**
 * For consumers that read findings only (the Slack queue, whose handler parses a finding): the
 * findings at `minimum` and above, never a digest.
 */
export function findingsOnlyFilterPolicy(minimum: Severity): FindingsOnlyFilterPolicy {
  return { ...severityFilterPolicy(minimum), kind: [{ exists: false }] };
}

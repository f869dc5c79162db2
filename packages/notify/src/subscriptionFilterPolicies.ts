import type { Severity } from "@vigil/core";
import { severityFilterPolicy } from "./severityFilterPolicy.ts";

/** The message attribute that marks what is not a finding; findings do not carry it. */
export const KIND_ATTRIBUTE = "kind";
/** `kind` of a posture run's digest. */
export const DIGEST_KIND = "digest";
/** `ruleId` attribute of a digest, so a subscriber can select digests as it selects a rule's findings. */
export const DIGEST_RULE_ID = "posture-digest";

export interface PeopleFilterPolicy {
  $or: [{ kind: [typeof DIGEST_KIND] }, { severity: Severity[] }];
}

/**
 * For people (email and the Slack channel): every posture digest, whatever its severity (it is the
 * daily account of what changed and of any key remediation, and proof the checks ran), plus the
 * findings at `minimum` and above, e.g. `{ $or: [{ kind: ["digest"] }, { severity: ["CRITICAL", "HIGH"] }] }`.
 */
export function peopleFilterPolicy(minimum: Severity): PeopleFilterPolicy {
  return { $or: [{ kind: [DIGEST_KIND] }, severityFilterPolicy(minimum)] };
}

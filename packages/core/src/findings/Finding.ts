import type { Severity } from "./Severity.ts";

export const FINDING_STATUSES = ["open", "acknowledged", "suppressed", "resolved"] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/** A control or technique a rule maps to. */
export interface Reference {
  framework: "CIS AWS Foundations Benchmark v3.0.0" | "MITRE ATT&CK";
  id: string;
  title: string;
}

/**
 * What Vigil reports. Event findings come from CloudTrail events and carry the event's fields;
 * posture findings come from the account's state (scheduled checks) and have no event: their
 * eventId, eventName and eventSource are absent, and lastSeenAt moves each run that sees them again.
 */
export interface Finding {
  /** Stable: derived from the rule, the event(s) and the match key (posture: the check and the resource), so a re-scan or a redelivery yields the same id. */
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  status: FindingStatus;
  /** CloudTrail eventID of the (last) event that made the finding; absent on posture findings. */
  eventId?: string;
  /** Every event behind a finding made from several (threshold rules). */
  eventIds?: string[];
  eventName?: string;
  eventSource?: string;
  /** From the record; absent only when the record itself has no eventTime. */
  eventTime?: string;
  account: string;
  region: string;
  /** ARN of who did it. */
  principal: string;
  /** What it was done to. */
  resource: string;
  sourceIPAddress?: string;
  summary: string;
  description: string;
  remediation: string;
  references: Reference[];
  /** When Vigil made the finding (injected clock). */
  detectedAt: string;
  /** Posture findings: the last run that saw the condition. */
  lastSeenAt?: string;
  details?: Record<string, unknown>;
}

export function formatReference(reference: Reference): string {
  return reference.framework === "MITRE ATT&CK" ? `ATT&CK ${reference.id}` : `CIS ${reference.id}`;
}

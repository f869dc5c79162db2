/** What the findings API answers, as far as the page reads it (the API's response schemas are the reference). */
export const SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"] as const;
export type Severity = (typeof SEVERITIES)[number];
export const STATUSES = ["open", "acknowledged", "suppressed", "resolved"] as const;
export type Status = (typeof STATUSES)[number];
export type TriageAction = "acknowledge" | "suppress" | "resolve" | "reopen";

export interface Reference {
  framework: string;
  id: string;
  title: string;
}

export interface Finding {
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  status: Status;
  eventId?: string;
  eventIds?: string[];
  eventName?: string;
  eventSource?: string;
  eventTime?: string;
  account: string;
  accountName?: string;
  ouPath?: string;
  region: string;
  principal: string;
  resource: string;
  sourceIPAddress?: string;
  summary: string;
  description: string;
  remediation: string;
  references: Reference[];
  detectedAt: string;
  lastSeenAt?: string;
  details?: Record<string, unknown>;
}

export interface HistoryEntry {
  at: string;
  actor: string;
  action: string;
  from: Status | null;
  to: Status;
  reason?: string;
  until?: string;
}

export interface FindingPage {
  items: Finding[];
  cursor?: string;
}

/** A CloudTrail record behind a finding: whole, or the start of its JSON text when it was longer than the store keeps. */
export type SourceEvent = { eventId: string; record: unknown } | { eventId: string; cut: { text: string; bytes: number } };

export type NotKeptReason = "notAtHand" | "overLimit" | "notRecorded";

export interface FindingDetail {
  finding: Finding;
  history: HistoryEntry[];
  events: SourceEvent[];
  /** The finding's events whose record was not kept, and why. */
  eventsNotKept: { eventId: string; reason: NotKeptReason }[];
}

export interface Summary {
  bySeverity: Record<Severity, number>;
  byStatus: Record<Status, number>;
  byRule: Record<string, number>;
  byAccount: Record<string, { count: number; accountName?: string }>;
}

export interface RuleView {
  id: string;
  kind: "event" | "threshold" | "sequence" | "posture";
  title: string;
  severity: Severity;
  enabled: boolean;
  params: Record<string, unknown>;
  references: Reference[];
}

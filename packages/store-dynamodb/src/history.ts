import { FINDING_STATUSES, type FindingStatus } from "@vigil/core";
import { isoInstant, parseInstant } from "./instant.ts";

/**
 * The status history kept on each finding item: who changed the status, when, how and why, oldest
 * first, the creation included. Triage, the suppression sweep and the posture lifecycle all append
 * to it, and every reader returns it through readHistory.
 */

/** Every status change of the finding, oldest first, its creation included: a list of HistoryEntry maps. */
export const HISTORY_ATTRIBUTE = "statusHistory";
/** ISO instant at which a suppression ends; only on a suppressed finding, and only when it has an expiry. */
export const SUPPRESSED_UNTIL_ATTRIBUTE = "suppressedUntil";

/** The actor of the changes Vigil makes itself: a finding's creation, a suppression running out, a posture run. */
export const SYSTEM_ACTOR = "vigil";

export const TRIAGE_ACTIONS = ["acknowledge", "suppress", "resolve", "reopen"] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** "create": the finding was stored. "set-status": `setStatus`, which bypasses the state machine. */
export type HistoryAction = "create" | TriageAction | "set-status";

/** One status change; `from` is null only on the creation entry. */
export interface HistoryEntry {
  /** ISO instant, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  at: string;
  /** Who: the caller's identity, or "vigil" for Vigil's own changes. */
  actor: string;
  action: HistoryAction;
  from: FindingStatus | null;
  to: FindingStatus;
  reason?: string;
  /** A suppression's expiry. */
  until?: string;
}

const EXPIRED_REASON = "suppression expired";

/**
 * The status a person sees: a suppression whose expiry has passed reads as open even before
 * `reopenExpiredSuppressions` has written it so.
 */
export function effectiveStatus(item: Record<string, unknown>, nowIso: string): FindingStatus {
  const status = item.status as FindingStatus;
  const until = item[SUPPRESSED_UNTIL_ATTRIBUTE];
  return status === "suppressed" && typeof until === "string" && until <= nowIso ? "open" : status;
}

/** The entry of a suppression that ran out: Vigil reopened it at its expiry. */
export function expiryEntry(until: string): HistoryEntry {
  return { at: until, actor: SYSTEM_ACTOR, action: "reopen", from: "suppressed", to: "open", reason: EXPIRED_REASON };
}

/**
 * The entries a change appends: its own, after the expiry entry of a suppression that ran out
 * unswept (the finding was open from then on, so that is where the change starts from).
 */
export function entriesFor(item: Record<string, unknown>, from: FindingStatus, entry: HistoryEntry): HistoryEntry[] {
  const until = item[SUPPRESSED_UNTIL_ATTRIBUTE];
  return item.status === "suppressed" && from === "open" && typeof until === "string" ? [expiryEntry(until), entry] : [entry];
}

/**
 * A stored finding's history, oldest first. A suppression that ran out but is not swept yet gets its
 * expiry entry here, the one the sweep (or the next transition) writes. Findings stored before the
 * history existed get a creation entry at their detectedAt.
 */
export function readHistory(item: Record<string, unknown>, nowIso: string): HistoryEntry[] {
  const stored = storedHistory(item);
  const entries = stored[0]?.action === "create" ? stored : [legacyCreation(item, stored[0]?.from ?? (item.status as FindingStatus)), ...stored];
  const until = item[SUPPRESSED_UNTIL_ATTRIBUTE];
  if (typeof until === "string" && item.status === "suppressed" && effectiveStatus(item, nowIso) === "open") entries.push(expiryEntry(until));
  return entries;
}

function legacyCreation(item: Record<string, unknown>, status: FindingStatus): HistoryEntry {
  const detectedMs = parseInstant(item.detectedAt);
  return { at: detectedMs === undefined ? String(item.detectedAt) : isoInstant(detectedMs), actor: SYSTEM_ACTOR, action: "create", from: null, to: status };
}

/** The entries as stored, oldest first: as many as the finding's status version (exportState.ts), no legacy or expiry entry added. */
export function storedHistory(item: Record<string, unknown>): HistoryEntry[] {
  return Array.isArray(item[HISTORY_ATTRIBUTE]) ? (item[HISTORY_ATTRIBUTE] as Record<string, unknown>[]).map(toEntry) : [];
}

/** Only the entry's own fields, in a fixed order. */
function toEntry(stored: Record<string, unknown>): HistoryEntry {
  const entry: HistoryEntry = {
    at: String(stored.at),
    actor: String(stored.actor),
    action: stored.action as HistoryAction,
    from: (FINDING_STATUSES as readonly unknown[]).includes(stored.from) ? (stored.from as FindingStatus) : null,
    to: stored.to as FindingStatus,
  };
  if (typeof stored.reason === "string") entry.reason = stored.reason;
  if (typeof stored.until === "string") entry.until = stored.until;
  return entry;
}

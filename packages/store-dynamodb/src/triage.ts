import { FINDING_STATUSES, type Finding, type FindingStatus } from "@vigil/core";
import { InvalidRequestError } from "./errors.ts";
import { effectiveStatus, HISTORY_ATTRIBUTE, SUPPRESSED_UNTIL_ATTRIBUTE, SYSTEM_ACTOR } from "./findingItem.ts";
import { isoInstant, parseInstant } from "./instant.ts";

/**
 * Triage: the actions a person takes on a finding, the state machine they follow, and the history
 * they leave on the finding's item. See the package README.
 */

export const TRIAGE_ACTIONS = ["acknowledge", "suppress", "resolve", "reopen"] as const;
export type TriageAction = (typeof TRIAGE_ACTIONS)[number];

/** From which statuses each action may be taken, and the status it leads to. */
export const TRANSITIONS: Readonly<Record<TriageAction, { readonly from: readonly FindingStatus[]; readonly to: FindingStatus }>> = {
  acknowledge: { from: ["open"], to: "acknowledged" },
  suppress: { from: ["open", "acknowledged"], to: "suppressed" },
  resolve: { from: ["open", "acknowledged", "suppressed"], to: "resolved" },
  reopen: { from: ["acknowledged", "suppressed", "resolved"], to: "open" },
};

/** The actions a finding in `status` allows. */
export function allowedActions(status: FindingStatus): TriageAction[] {
  return TRIAGE_ACTIONS.filter((action) => TRANSITIONS[action].from.includes(status));
}

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

export interface TransitionRequest {
  action: TriageAction;
  /** The caller's identity (the API takes it from the authenticated principal, never from the body). */
  actor: string;
  /** Required to suppress; optional otherwise. */
  reason?: string;
  /** Suppress only: when the suppression ends (ISO instant, in the future); it never ends when absent. */
  until?: string;
  /** Epoch ms of the change; the store's clock when absent. */
  nowMs?: number;
}

export interface TransitionResult {
  /** The finding as it is after the change. */
  finding: Finding;
  /** The history entry the change appended. */
  entry: HistoryEntry;
}

const MAX_ACTOR_LENGTH = 256;
const MAX_REASON_LENGTH = 1000;
const EXPIRED_REASON = "suppression expired";

/** A request checked field by field (InvalidRequestError naming the field), `until` normalised. */
export function checkTransitionRequest(request: TransitionRequest, nowMs: number): Omit<TransitionRequest, "nowMs"> {
  const { action, actor, reason, until } = (request ?? {}) as Partial<TransitionRequest>;
  if (!(TRIAGE_ACTIONS as readonly unknown[]).includes(action)) throw new InvalidRequestError("action", `expected one of ${TRIAGE_ACTIONS.join(", ")}, got ${JSON.stringify(action)}`);
  if (typeof actor !== "string" || actor.trim() === "" || actor.length > MAX_ACTOR_LENGTH) {
    throw new InvalidRequestError("actor", `expected a non-empty string of at most ${MAX_ACTOR_LENGTH} characters`);
  }
  if (reason !== undefined && (typeof reason !== "string" || reason.trim() === "" || reason.length > MAX_REASON_LENGTH)) {
    throw new InvalidRequestError("reason", `expected a non-empty string of at most ${MAX_REASON_LENGTH} characters`);
  }
  if (action === "suppress" && reason === undefined) throw new InvalidRequestError("reason", "required to suppress a finding");
  if (until === undefined) return { action: action as TriageAction, actor, ...(reason === undefined ? {} : { reason }) };
  if (action !== "suppress") throw new InvalidRequestError("until", "only a suppression can have an expiry");
  const untilMs = parseInstant(until);
  if (untilMs === undefined) throw new InvalidRequestError("until", `expected an ISO 8601 instant such as 2026-12-01T00:00:00Z, got ${JSON.stringify(until)}`);
  if (untilMs <= nowMs) throw new InvalidRequestError("until", `expected an instant after now (${isoInstant(nowMs)}), got ${until}`);
  return { action, actor, ...(reason === undefined ? {} : { reason }), until: isoInstant(untilMs) };
}

/** The entry of a suppression that ran out: Vigil reopened it at its expiry. */
export function expiryEntry(until: string): HistoryEntry {
  return { at: until, actor: SYSTEM_ACTOR, action: "reopen", from: "suppressed", to: "open", reason: EXPIRED_REASON };
}

/**
 * A stored finding's history, oldest first. A suppression that ran out but is not swept yet gets its
 * expiry entry here, the one the sweep (or the next transition) writes. Findings stored before the
 * history existed get a creation entry at their detectedAt.
 */
export function readHistory(item: Record<string, unknown>, nowIso: string): HistoryEntry[] {
  const stored = Array.isArray(item[HISTORY_ATTRIBUTE]) ? (item[HISTORY_ATTRIBUTE] as Record<string, unknown>[]).map(toEntry) : [];
  const entries = stored[0]?.action === "create" ? stored : [legacyCreation(item, stored[0]?.from ?? (item.status as FindingStatus)), ...stored];
  const until = item[SUPPRESSED_UNTIL_ATTRIBUTE];
  if (typeof until === "string" && item.status === "suppressed" && effectiveStatus(item, nowIso) === "open") entries.push(expiryEntry(until));
  return entries;
}

function legacyCreation(item: Record<string, unknown>, status: FindingStatus): HistoryEntry {
  const detectedMs = parseInstant(item.detectedAt);
  return { at: detectedMs === undefined ? String(item.detectedAt) : isoInstant(detectedMs), actor: SYSTEM_ACTOR, action: "create", from: null, to: status };
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

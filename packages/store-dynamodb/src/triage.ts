import type { Finding, FindingStatus } from "@vigil/core";
import { InvalidRequestError } from "./errors.ts";
import { type HistoryEntry, TRIAGE_ACTIONS, type TriageAction } from "./history.ts";
import { isoInstant, parseInstant } from "./instant.ts";

/** Triage: the actions a person takes on a finding and the state machine they follow. See the package README. */

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

export interface TransitionRequest {
  action: TriageAction;
  /** The caller's identity (the API takes it from the authenticated principal, never from the body). */
  actor: string;
  /** Required to suppress; optional otherwise. */
  reason?: string;
  /** Suppress only: when the suppression ends (ISO instant, in the future); it never ends when absent. */
  until?: string;
}

export interface TransitionResult {
  /** The finding as it is after the change. */
  finding: Finding;
  /** The history entry the change appended. */
  entry: HistoryEntry;
}

const MAX_ACTOR_LENGTH = 256;
const MAX_REASON_LENGTH = 1000;

/** A request checked field by field at `nowMs` (InvalidRequestError naming the field), `until` normalised. */
export function checkTransitionRequest(request: TransitionRequest, nowMs: number): TransitionRequest {
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

/**
 * One threshold window as a WindowStore keeps it, and the pure step that records an event in it.
 * The CLI's MemoryWindowStore and the deployed monitor's DynamoWindowStore both take this step (the
 * latter reads the item, steps, and writes back only if nobody wrote in between), so the two
 * cannot count differently and the step never has to reason about concurrency.
 */

export interface WindowEntry {
  id: string;
  /** Event time, epoch ms. */
  t: number;
  /** Set for rules that count distinct values (see ThresholdRule.distinct): the value this event counts as. */
  d?: string;
}

/** A window that reached its threshold: its ids, and the event that made it fire. */
export interface Burst {
  by: string;
  ids: string[];
}

export interface WindowState {
  /** The events of the open window, in the order they were recorded. */
  open: WindowEntry[];
  /** The latest bursts, newest last: their events are not counted again, and the event that fired one fires it again. */
  bursts: Burst[];
}

export type WindowStep = { changed: false; fired: string[] | undefined } | { changed: true; next: WindowState; fired: string[] | undefined };

/**
 * Enough remembered bursts to recognise the redelivery of a recent one (a whole batch retried after
 * a failure) while keeping the item small: at most this many times the threshold ids.
 */
const MAX_BURSTS = 8;

export const EMPTY_WINDOW: WindowState = { open: [], bursts: [] };

/**
 * Adds one event to the window (an event id already counted is not counted twice), drops entries
 * older than `windowMs` before `timeMs`, and fires with the window's ids when it then holds
 * `threshold` entries, emptying it. An event of a remembered burst is not counted again, and the
 * event that fired it gets the same ids again, so an invocation that fired and then failed before
 * storing the finding makes the same finding when its event is redelivered.
 *
 * With `distinct`, entries of the same value count once: a later event of that value takes the
 * entry's place (keeping the window alive) without adding to the count, so the window holds at most
 * `threshold` entries however many times one value repeats.
 */
export function recordEvent(state: WindowState, eventId: string, timeMs: number, windowMs: number, threshold: number, distinct?: string): WindowStep {
  const burst = state.bursts.find((candidate) => candidate.ids.includes(eventId));
  if (burst) return { changed: false, fired: burst.by === eventId ? [...burst.ids] : undefined };
  const open = state.open.filter((entry) => timeMs - entry.t < windowMs);
  if (open.some((entry) => entry.id === eventId)) return { changed: false, fired: undefined };
  const entry: WindowEntry = { id: eventId, t: timeMs, ...(distinct === undefined ? {} : { d: distinct }) };
  const same = distinct === undefined ? -1 : open.findIndex((candidate) => candidate.d === distinct);
  if (same >= 0) {
    if ((open[same] as WindowEntry).t >= timeMs) return { changed: false, fired: undefined };
    open[same] = entry;
    return { changed: true, next: { open, bursts: state.bursts }, fired: undefined };
  }
  open.push(entry);
  if (open.length < threshold) return { changed: true, next: { open, bursts: state.bursts }, fired: undefined };
  const ids = open.map((candidate) => candidate.id);
  return { changed: true, next: { open: [], bursts: [...state.bursts, { by: eventId, ids }].slice(-MAX_BURSTS) }, fired: [...ids] };
}

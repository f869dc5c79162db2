/**
 * One threshold window as the state table keeps it, and the pure step that records an event in it.
 * DynamoWindowStore reads the item, takes this step and writes the result back only if nobody
 * wrote in between, so the step never has to reason about concurrency.
 */

export interface WindowEntry {
  id: string;
  /** Event time, epoch ms. */
  t: number;
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
 * The WindowStore contract (the same arithmetic as MemoryWindowStore), plus: an event of a
 * remembered burst is not counted again, and the event that fired it gets the same ids again, so
 * an invocation that fired and then failed before storing the finding makes the same finding when
 * its event is redelivered.
 */
export function recordEvent(state: WindowState, eventId: string, timeMs: number, windowMs: number, threshold: number): WindowStep {
  const burst = state.bursts.find((candidate) => candidate.ids.includes(eventId));
  if (burst) return { changed: false, fired: burst.by === eventId ? [...burst.ids] : undefined };
  const open = state.open.filter((entry) => timeMs - entry.t < windowMs);
  if (open.some((entry) => entry.id === eventId)) return { changed: false, fired: undefined };
  open.push({ id: eventId, t: timeMs });
  if (open.length < threshold) return { changed: true, next: { open, bursts: state.bursts }, fired: undefined };
  const ids = open.map((entry) => entry.id);
  return { changed: true, next: { open: [], bursts: [...state.bursts, { by: eventId, ids }].slice(-MAX_BURSTS) }, fired: [...ids] };
}

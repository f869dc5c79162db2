import { EMPTY_SEQUENCE, recordStep, type SequenceState, type SequenceStep } from "./sequenceState.ts";
import { EMPTY_WINDOW, recordEvent, type WindowState } from "./windowState.ts";

/**
 * Keeps the sliding windows of threshold rules and the open steps of sequence rules. The CLI keeps
 * them in memory; the deployed monitor keeps them in DynamoDB so concurrent invocations share them.
 * Both take the same pure steps (windowState.ts, sequenceState.ts), so they keep one contract.
 */
export interface WindowStore {
  /**
   * Adds one event to the window under `key` (an event id already in the window is not counted
   * twice; with `distinct`, events of one value count once), drops entries older than `windowMs`
   * before `timeMs`, and when the window then holds `threshold` events returns their ids and
   * empties the window; otherwise returns undefined.
   */
  record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number, distinct?: string): Promise<string[] | undefined>;
  /**
   * Records one step of a sequence under `key` and returns the sequence's steps once every
   * `required` step has been seen within `windowMs` (see sequenceState.ts); otherwise undefined.
   */
  recordStep(key: string, step: SequenceStep, windowMs: number, required: readonly string[]): Promise<SequenceStep[] | undefined>;
}

interface Kept<S> {
  state: S;
  /** The latest event time recorded, and how long the rule looks back: the sweep's measure. */
  latest: number;
  windowMs: number;
}

/** In-process windows, for a single scanner reading events in roughly time order. */
export class MemoryWindowStore implements WindowStore {
  readonly #windows = new Map<string, Kept<WindowState>>();
  readonly #sequences = new Map<string, Kept<SequenceState>>();
  #latest = Number.NEGATIVE_INFINITY;
  #sinceSweep = 0;

  async record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number, distinct?: string) {
    this.#tick(timeMs);
    const kept = this.#windows.get(key);
    const step = recordEvent(kept?.state ?? EMPTY_WINDOW, eventId, timeMs, windowMs, threshold, distinct);
    if (step.changed) this.#windows.set(key, { state: step.next, latest: Math.max(kept?.latest ?? timeMs, timeMs), windowMs });
    return step.fired;
  }

  async recordStep(key: string, step: SequenceStep, windowMs: number, required: readonly string[]) {
    this.#tick(step.t);
    const kept = this.#sequences.get(key);
    const transition = recordStep(kept?.state ?? EMPTY_SEQUENCE, step, windowMs, required);
    if (transition.changed) this.#sequences.set(key, { state: transition.next, latest: Math.max(kept?.latest ?? step.t, step.t), windowMs });
    return transition.fired;
  }

  #tick(timeMs: number): void {
    this.#latest = Math.max(this.#latest, timeMs);
    if (++this.#sinceSweep >= SWEEP_EVERY) this.#sweep();
  }

  /**
   * Windows and sequences whose latest event aged out would otherwise stay for the whole scan, one
   * per principal or resource ever seen. What they remember of past bursts goes with them: a scan
   * reads each record once, so no redelivery needs it.
   */
  #sweep(): void {
    this.#sinceSweep = 0;
    for (const kept of [this.#windows, this.#sequences] as Map<string, Kept<unknown>>[]) {
      for (const [key, entry] of kept) if (this.#latest - entry.latest >= entry.windowMs) kept.delete(key);
    }
  }

  /** Open windows and sequences, for tests of the sweep. */
  get size(): number {
    return this.#windows.size + this.#sequences.size;
  }
}

const SWEEP_EVERY = 10_000;

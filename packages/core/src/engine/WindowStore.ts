/**
 * Keeps the sliding windows of threshold rules. The CLI keeps them in memory; the deployed
 * monitor keeps them in DynamoDB so concurrent invocations share them. Both keep this contract.
 */
export interface WindowStore {
  /**
   * Adds one event to the window under `key` (an event id already in the window is not counted
   * twice), drops entries older than `windowMs` before `timeMs`, and when the window then holds
   * `threshold` events returns their ids and empties the window; otherwise returns undefined.
   */
  record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number): Promise<string[] | undefined>;
}

/** In-process windows, for a single scanner reading events in roughly time order. */
export class MemoryWindowStore implements WindowStore {
  readonly #windows = new Map<string, { entries: { id: string; time: number }[]; windowMs: number }>();
  #latest = Number.NEGATIVE_INFINITY;
  #sinceSweep = 0;

  async record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number) {
    this.#latest = Math.max(this.#latest, timeMs);
    if (++this.#sinceSweep >= SWEEP_EVERY) this.#sweep();
    const entries = (this.#windows.get(key)?.entries ?? []).filter((entry) => timeMs - entry.time < windowMs);
    if (!entries.some((entry) => entry.id === eventId)) entries.push({ id: eventId, time: timeMs });
    if (entries.length >= threshold) {
      this.#windows.delete(key);
      return entries.map((entry) => entry.id);
    }
    this.#windows.set(key, { entries, windowMs });
    return undefined;
  }

  /** Windows whose every entry has aged out would otherwise stay for the whole scan, one per principal or IP ever seen. */
  #sweep(): void {
    this.#sinceSweep = 0;
    for (const [key, window] of this.#windows) {
      if (window.entries.every((entry) => this.#latest - entry.time >= window.windowMs)) this.#windows.delete(key);
    }
  }

  /** Open windows, for tests of the sweep. */
  get size(): number {
    return this.#windows.size;
  }
}

const SWEEP_EVERY = 10_000;

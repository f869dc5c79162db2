/** Security Hub's rate for BatchImportFindings and BatchUpdateFindings: 10 calls per second per account and Region. */
export const CALLS_PER_SECOND = 10;

/**
 * Spaces the calls of each account at least 1/10 s apart, so no 1-second window holds more than 10
 * of them (the burst of 30 is left for whatever else calls Security Hub in the account). A slot is
 * taken before the wait, so concurrent callers of one account queue up rather than share a slot.
 */
export class CallPacer {
  readonly #nextSlot = new Map<string, number>();
  readonly #intervalMs = 1_000 / CALLS_PER_SECOND;
  readonly #now: () => number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(now: () => number, sleep: (ms: number) => Promise<void>) {
    this.#now = now;
    this.#sleep = sleep;
  }

  async wait(account: string): Promise<void> {
    const now = this.#now();
    const start = Math.max(now, this.#nextSlot.get(account) ?? now);
    this.#nextSlot.set(account, start + this.#intervalMs);
    if (start > now) await this.#sleep(start - now);
  }
}

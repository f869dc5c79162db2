import type { Engine, Finding } from "@vigil/core";
import type { InputSource, ReadLimits } from "@vigil/cloudtrail";
import type { FindingRepository } from "./ports.ts";
import { type ScanListener, Scanner, type ScanStats } from "./Scanner.ts";

/**
 * Where a scan's records come from: files as CloudTrail delivers them, or records one by one
 * (LookupEvents). `readConcurrency` is how many files are read ahead: more for a network source
 * (S3), whose latency would otherwise idle the engine; `limits` how much of one file is read
 * before it is given up (by default DEFAULT_READ_LIMITS).
 */
export type ScanInput =
  | { sources: AsyncIterable<InputSource>; readConcurrency?: number; limits?: ReadLimits }
  | { records: AsyncIterable<{ value: unknown; at: string }> };

export interface EventScanOptions {
  engine: Engine;
  /** Where findings are kept; without it nothing is stored. */
  store?: FindingRepository;
  /** Told of each problem (the scan goes on) and of each distinct finding as it is made. */
  listener: ScanListener;
}

/** Findings stored per write: a scan's findings reach the store while it reads, never all at the end. */
const BATCH = 200;

/**
 * `vigil scan`'s job: evaluate CloudTrail records with the engine and store what they find, in
 * batches as they come, so memory stays flat however long the archive. `stats` moves as it goes
 * (for a progress line).
 */
export class EventScan {
  readonly #scanner: Scanner;
  readonly #store: FindingRepository | undefined;
  readonly #pending: Finding[] = [];
  /** The raw record each pending finding was made from, by finding id: kept with the finding, dropped once it is written. */
  #records = new Map<string, unknown>();
  #created = 0;

  constructor(options: EventScanOptions) {
    this.#store = options.store;
    this.#scanner = new Scanner(options.engine, {
      error: (at, message) => options.listener.error(at, message),
      finding: async (finding, record) => {
        await options.listener.finding(finding, record);
        this.#pending.push(finding);
        if (this.#store) this.#records.set(finding.id, record);
        if (this.#pending.length >= BATCH) await this.#flush();
      },
    });
  }

  get stats(): Readonly<ScanStats> {
    return this.#scanner.stats;
  }

  /** Scans the input to its end and stores what is left; returns how many findings were new to the store. */
  async run(input: ScanInput): Promise<{ created: number }> {
    if ("sources" in input) await this.#scanner.scanSources(input.sources, input.readConcurrency, input.limits);
    else for await (const record of input.records) await this.#scanner.scanRecord(record.value, record.at);
    await this.#flush();
    return { created: this.#created };
  }

  async #flush(): Promise<void> {
    if (!this.#store || this.#pending.length === 0) return;
    const records = this.#records;
    this.#records = new Map();
    const result = await this.#store.putFindings(this.#pending.splice(0), { sourceEvents: (finding) => (records.has(finding.id) ? [records.get(finding.id)] : undefined) });
    this.#created += result.created.length;
  }
}

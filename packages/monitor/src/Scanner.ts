import { type Engine, type Extracted, type Finding, hasRecordShape, InvalidInputError, parseEvent } from "@vigil/core";
import { DEFAULT_READ_LIMITS, type InputSource, type ReadLimits } from "@vigil/cloudtrail";
import { readSources } from "./readSources.ts";

export interface ScanStats {
  files: number;
  filesSkipped: number;
  events: number;
  skipped: number;
  findings: number;
  /** Distinct findings the configuration's ignore list silenced. */
  ignored: number;
}

export interface ScanListener {
  /** A located problem: the input is skipped, the scan goes on. */
  error(at: string, message: string): void;
  /** Each distinct finding, once per scan, with the raw record it was made from (the first that made it). */
  finding(finding: Finding, record: unknown): Promise<void> | void;
}

/**
 * Streams inputs through the engine: files are read (and gunzipped) a few ahead while records
 * are evaluated, so memory holds a handful of files, never the archive. Malformed inputs are
 * reported with their location and skipped.
 */
export class Scanner {
  readonly stats: ScanStats = { files: 0, filesSkipped: 0, events: 0, skipped: 0, findings: 0, ignored: 0 };
  readonly #seen = new Set<string>();
  readonly #engine: Engine;
  readonly #listener: ScanListener;

  constructor(engine: Engine, listener: ScanListener) {
    this.#engine = engine;
    this.#listener = listener;
  }

  async scanSources(sources: AsyncIterable<InputSource>, readConcurrency = 4, limits: ReadLimits = DEFAULT_READ_LIMITS): Promise<void> {
    await readSources(
      sources,
      {
        unreadable: (name, message) => {
          this.stats.filesSkipped++;
          this.#listener.error(name, message);
        },
        read: () => {
          this.stats.files++;
        },
        badLine: (at, message) => this.#skip(at, message),
        items: (name, items) => this.#scanItems(name, items),
      },
      readConcurrency,
      limits,
    );
  }

  async #scanItems(name: string, items: Iterable<Extracted>): Promise<void> {
    for (const item of items) {
      if (item.kind === "error") {
        this.#skip(`${name}: ${item.at}`, item.message);
      } else if (this.#isNoise(item.value)) {
        this.stats.events++; // no await: most records are noise, and a microtask each adds up over millions
      } else {
        await this.scanRecord(item.value, `${name}: ${item.at}`);
      }
    }
  }

  #skip(at: string, message: string): void {
    this.stats.skipped++;
    this.#listener.error(at, message);
  }

  /** Noise (no rule selects it) is dismissed on a cheap header check; only candidates get the full schema. */
  #isNoise(value: unknown): boolean {
    return hasRecordShape(value) && !this.#engine.wants(value);
  }

  /** Evaluates one raw record; `at` locates it in messages. */
  async scanRecord(value: unknown, at: string): Promise<void> {
    this.stats.events++;
    if (this.#isNoise(value)) return;
    let event: ReturnType<typeof parseEvent>;
    try {
      event = parseEvent(value);
    } catch (error) {
      this.stats.skipped++;
      this.#listener.error(at, error instanceof InvalidInputError ? `invalid record: ${error.message}` : String(error));
      return;
    }
    const { findings, failures, ignored } = await this.#engine.evaluate(event);
    for (const failure of failures) {
      this.#listener.error(at, `rule ${failure.ruleId} failed on event ${failure.eventId}: ${(failure.error as Error)?.message ?? failure.error}`);
    }
    for (const finding of findings) {
      if (this.#seen.has(finding.id)) continue;
      this.#seen.add(finding.id);
      this.stats.findings++;
      await this.#listener.finding(finding, value);
    }
    for (const finding of ignored) {
      if (this.#seen.has(finding.id)) continue;
      this.#seen.add(finding.id);
      this.stats.ignored++;
    }
  }
}

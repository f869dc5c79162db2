import { mapLimit } from "@vigil/aws-iam";
import { type ExportClaim, type ExportClaimResult, ExportLeaseLostError, type ExportRelease, type ExportSink, type Lease } from "@vigil/store-dynamodb";
import { type ExportItem, type ExportTarget, lastChangeAt } from "./ExportTarget.ts";

/** The store's export outbox (ExportOutbox), as the sweep uses it. */
export interface ExportQueue {
  listPendingExports(limit?: number): Promise<string[]>;
  claimExport(findingId: string, lease: Lease): Promise<ExportClaimResult>;
  markExported(findingId: string, sink: ExportSink, revision: number, owner: string): Promise<void>;
  releaseExport(findingId: string, owner: string, revision: number, error?: unknown): Promise<ExportRelease>;
}

export interface FindingExportOptions {
  queue: ExportQueue;
  /** Where this deployment exports; each is sent only the findings it is behind on. */
  targets: readonly ExportTarget[];
  /** How long a sweep holds a finding; well above a round's sends so two sweeps never overlap. */
  leaseMs?: number;
  /** Findings claimed per round: Security Hub takes 100 per call, so a round is a few calls. */
  batchSize?: number;
}

export interface SweepOptions {
  /** Identifies this sweep (the Lambda request id) as the lease holder. */
  owner: string;
  /** Asked before each round: false stops the sweep (the function's time is running out). */
  keepGoing?: () => boolean;
}

export interface SinkReport {
  sent: number;
  failed: { id: string; error: string }[];
}

export interface ExportReport {
  claimed: number;
  /** Held by another sweep. */
  busy: number;
  /** Left the pending index: every sink has their latest change. */
  done: number;
  /** Still pending: a sink failed, or they changed again while being sent. */
  pending: number;
  /** Taken over by another sweep after this one's lease ran out: that sweep's records count. */
  lost: number;
  sinks: Partial<Record<ExportSink, SinkReport>>;
  /** The latest change of the oldest finding a sink could not take: how long export has been failing for it. */
  oldestFailedChangeAt?: string;
}

/** Store requests a round has in flight at once: claims, records and releases. */
const CLAIM_CONCURRENCY = 16;

/**
 * The export sweep: claims the findings with a change not exported everywhere, sends each sink what
 * it is behind on, records what arrived and lets a finding go once every sink has its latest
 * revision. Round after round, until nothing new is due or `keepGoing` says stop; a finding that
 * failed is not tried again in the same sweep (the next one retries it), so one broken finding
 * cannot keep a sweep busy.
 */
export class FindingExport {
  readonly #queue: ExportQueue;
  readonly #targets: readonly ExportTarget[];
  readonly #leaseMs: number;
  readonly #batchSize: number;

  constructor(options: FindingExportOptions) {
    this.#queue = options.queue;
    this.#targets = options.targets;
    this.#leaseMs = options.leaseMs ?? 300_000;
    this.#batchSize = options.batchSize ?? 500;
  }

  async sweep(options: SweepOptions): Promise<ExportReport> {
    const report: ExportReport = { claimed: 0, busy: 0, done: 0, pending: 0, lost: 0, sinks: {} };
    for (const target of this.#targets) report.sinks[target.sink] = { sent: 0, failed: [] };
    const seen = new Set<string>();
    while (options.keepGoing?.() ?? true) {
      // A finding handled in this sweep is due again at once when it changed meanwhile or failed; the next sweep takes it.
      const due = (await this.#queue.listPendingExports(Math.min(1000, this.#batchSize + seen.size))).filter((id) => !seen.has(id)).slice(0, this.#batchSize);
      if (due.length === 0) break;
      for (const id of due) seen.add(id);
      await this.#round(due, options.owner, report);
    }
    return report;
  }

  async #round(ids: readonly string[], owner: string, report: ExportReport): Promise<void> {
    const claims: ExportClaim[] = [];
    for (const result of await mapLimit(ids, CLAIM_CONCURRENCY, (id) => this.#queue.claimExport(id, { owner, leaseMs: this.#leaseMs }))) {
      if (result === "busy") report.busy++;
      else if (result !== "missing") claims.push(result);
    }
    report.claimed += claims.length;
    const lost = new Set<string>();
    const holding = async (id: string, step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (error) {
        if (!(error instanceof ExportLeaseLostError)) throw error;
        lost.add(id);
      }
    };
    const errors = new Map<string, string>();
    for (const target of this.#targets) {
      const behind: ExportItem[] = claims
        .filter((claim) => claim.exported[target.sink] < claim.revision)
        .map((claim) => ({ finding: claim.finding, history: claim.history, revision: claim.revision, exported: claim.exported[target.sink] }));
      if (behind.length === 0) continue;
      const outcome = await target.send(behind);
      const revisions = new Map(behind.map((item) => [item.finding.id, item.revision]));
      await mapLimit(outcome.sent, CLAIM_CONCURRENCY, (id) => holding(id, () => this.#queue.markExported(id, target.sink, revisions.get(id) as number, owner)));
      const sink = report.sinks[target.sink] as SinkReport;
      sink.sent += outcome.sent.length;
      sink.failed.push(...outcome.failed);
      for (const { id, error } of outcome.failed) errors.set(id, `${target.sink}: ${error}`);
      for (const item of behind) {
        if (!errors.has(item.finding.id)) continue;
        const at = lastChangeAt(item);
        if (report.oldestFailedChangeAt === undefined || at < report.oldestFailedChangeAt) report.oldestFailedChangeAt = at;
      }
    }
    await mapLimit(claims, CLAIM_CONCURRENCY, async (claim) => {
      const id = claim.finding.id;
      if (lost.has(id)) return;
      await holding(id, async () => {
        report[(await this.#queue.releaseExport(id, owner, claim.revision, errors.get(id))) === "done" ? "done" : "pending"]++;
      });
    });
    report.lost += lost.size;
  }
}


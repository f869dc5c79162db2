import type { Finding } from "@vigil/core";
import type { NotificationOutbox } from "./ports.ts";

/** What publishes a finding to the alerts topic (SnsNotifier); resolves with the message id. */
export interface FindingPublisher {
  publish(finding: Finding): Promise<string>;
}

export interface SnsDeliveryOptions {
  outbox: NotificationOutbox;
  publisher: FindingPublisher;
  /** How long a claim lasts; well above a publish's own timeout so two holders never overlap. */
  leaseMs?: number;
}

/** Findings published at once by one delivery: a batch's are few; the sweep's up to 100. */
const PUBLISH_CONCURRENCY = 8;

export interface DeliveryReport {
  delivered: string[];
  failed: { id: string; error: unknown }[];
}

export interface SweepReport extends DeliveryReport {
  /**
   * The detectedAt of the oldest finding the sweep could not deliver, absent when it delivered all
   * it claimed: how long notifications have been failing, which the operator alarms on.
   */
  oldestFailedDetectedAt?: string;
}

/**
 * Delivers findings to the topic through the findings' outbox: a finding is stored (and claimed)
 * before it is published, marked delivered after, and released on failure so the sweep retries
 * it. Only a lease holder publishes, so a stored finding is published once; the one gap is a
 * crash between SNS accepting the message and the store recording it, after which the sweep
 * publishes again when the lease ends.
 */
export class SnsDelivery {
  readonly #options: Required<SnsDeliveryOptions>;

  constructor(options: SnsDeliveryOptions) {
    this.#options = { leaseMs: 60_000, ...options };
  }

  get leaseMs(): number {
    return this.#options.leaseMs;
  }

  /**
   * Publishes findings whose lease `owner` holds, up to PUBLISH_CONCURRENCY at once (each finding
   * has its own lease and message); failures stay pending for the sweep and are reported, not
   * thrown. The report keeps the input order.
   */
  async deliverClaimed(findings: readonly Finding[], owner: string): Promise<DeliveryReport> {
    const outcomes = new Array<{ error: unknown } | undefined>(findings.length);
    let next = 0;
    const worker = async () => {
      while (next < findings.length) {
        const index = next++;
        outcomes[index] = await this.#deliver(findings[index] as Finding, owner);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PUBLISH_CONCURRENCY, findings.length) }, worker));
    const report: DeliveryReport = { delivered: [], failed: [] };
    findings.forEach((finding, index) => {
      const failure = outcomes[index];
      if (failure) report.failed.push({ id: finding.id, error: failure.error });
      else report.delivered.push(finding.id);
    });
    return report;
  }

  /** Publishes one finding and records it delivered; on failure gives the lease back and returns the error. */
  async #deliver(finding: Finding, owner: string): Promise<{ error: unknown } | undefined> {
    const { outbox, publisher } = this.#options;
    try {
      const reference = await publisher.publish(finding);
      await outbox.completeDelivery(finding.id, "sns", { owner, reference });
      return undefined;
    } catch (error) {
      await outbox.releaseDelivery(finding.id, "sns", { owner, error });
      return { error };
    }
  }

  /** The sweep: claims what is still undelivered with a free or ended lease, and publishes it. */
  async retryUndelivered(owner: string, limit = 100): Promise<SweepReport> {
    const { outbox, leaseMs } = this.#options;
    const due = await outbox.listUndelivered({ limit });
    const claimed: Finding[] = [];
    for (const finding of due) {
      if ((await outbox.claimDelivery(finding.id, "sns", { owner, leaseMs })) === "claimed") claimed.push(finding);
    }
    const report = await this.deliverClaimed(claimed, owner);
    const failed = new Set(report.failed.map(({ id }) => id));
    const oldest = claimed.filter((finding) => failed.has(finding.id)).reduce<string | undefined>((min, { detectedAt }) => (min === undefined || detectedAt < min ? detectedAt : min), undefined);
    return oldest === undefined ? report : { ...report, oldestFailedDetectedAt: oldest };
  }
}

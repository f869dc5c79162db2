import type { Finding } from "@vigil/core";
import type { FindingStore } from "@vigil/store-dynamodb";

/** What publishes a finding to the alerts topic (SnsNotifier); resolves with the message id. */
export interface FindingPublisher {
  publish(finding: Finding): Promise<string>;
}

export interface SnsDeliveryOptions {
  store: FindingStore;
  publisher: FindingPublisher;
  now: () => Date;
  /** How long a claim lasts; well above a publish's own timeout so two holders never overlap. */
  leaseMs?: number;
}

export interface DeliveryReport {
  delivered: string[];
  failed: { id: string; error: unknown }[];
}

/**
 * Delivers findings to the topic through the store's outbox: a finding is stored (and claimed)
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

  /** Publishes findings whose lease `owner` holds; failures stay pending for the sweep and are reported, not thrown. */
  async deliverClaimed(findings: readonly Finding[], owner: string): Promise<DeliveryReport> {
    const report: DeliveryReport = { delivered: [], failed: [] };
    const { store, publisher, now } = this.#options;
    for (const finding of findings) {
      try {
        const reference = await publisher.publish(finding);
        await store.completeDelivery(finding.id, "sns", { owner, nowMs: now().getTime(), reference });
        report.delivered.push(finding.id);
      } catch (error) {
        report.failed.push({ id: finding.id, error });
        await store.releaseDelivery(finding.id, "sns", { owner, error, nowMs: now().getTime() });
      }
    }
    return report;
  }

  /** The sweep: claims what is still undelivered with a free or ended lease, and publishes it. */
  async retryUndelivered(owner: string, limit = 100): Promise<DeliveryReport> {
    const { store, now, leaseMs } = this.#options;
    const due = await store.listUndelivered({ nowMs: now().getTime(), limit });
    const claimed: Finding[] = [];
    for (const finding of due) {
      if ((await store.claimDelivery(finding.id, "sns", { owner, nowMs: now().getTime(), leaseMs })) === "claimed") claimed.push(finding);
    }
    return this.deliverClaimed(claimed, owner);
  }
}

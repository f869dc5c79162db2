import type { Finding } from "@vigil/core";
import { parseFindingMessage, parseSnsEnvelope, type SlackWebhook, slackMessage } from "@vigil/notify";
import type { FindingStore } from "@vigil/store-dynamodb";
import { DeliveryBusyError } from "./errors.ts";

export interface SlackDeliveryOptions {
  store: FindingStore;
  /** Resolved per batch: the webhook URL is a secret read (and cached) by the handler's middleware. */
  webhook: () => SlackWebhook;
  now: () => Date;
  leaseMs?: number;
}

export type SlackOutcome = { finding: Finding; result: "posted" | "already-posted" | "not-stored" };

/**
 * One message of the Slack queue (an SNS notification of a finding): posted once per finding
 * however often SNS and SQS deliver it, through the store's slack lease. A failure releases the
 * lease and is thrown, so the queue retries the message and finally dead-letters it.
 */
export class SlackDelivery {
  readonly #options: Required<SlackDeliveryOptions>;

  constructor(options: SlackDeliveryOptions) {
    this.#options = { leaseMs: 60_000, ...options };
  }

  async deliver(body: string, owner: string): Promise<SlackOutcome> {
    const { store, webhook, now, leaseMs } = this.#options;
    const finding = parseFindingMessage(parseSnsEnvelope(body).message);
    const claim = await store.claimDelivery(finding.id, "slack", { owner, nowMs: now().getTime(), leaseMs });
    if (claim === "delivered") return { finding, result: "already-posted" };
    // Stored before notified: a finding the store no longer has has expired after resolution.
    if (claim === "missing") return { finding, result: "not-stored" };
    if (claim === "busy") throw new DeliveryBusyError(`finding ${finding.id}: another invocation is posting it to Slack`);
    try {
      await webhook().post(slackMessage(finding));
    } catch (error) {
      await store.releaseDelivery(finding.id, "slack", { owner, error, nowMs: now().getTime() });
      throw error;
    }
    await store.completeDelivery(finding.id, "slack", { owner, nowMs: now().getTime() });
    return { finding, result: "posted" };
  }
}

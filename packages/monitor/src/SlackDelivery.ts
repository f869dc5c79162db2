import type { Finding } from "@vigil/core";
import {
  DIGEST_KIND,
  KIND_ATTRIBUTE,
  parseDigestMessage,
  parseFindingMessage,
  parseOrganizationDigestMessage,
  parseSnsEnvelope,
  type SlackWebhook,
  slackDigestMessage,
  slackMessage,
  slackOrganizationDigestMessage,
} from "@vigil/notify";
import { DeliveryBusyError } from "./errors.ts";
import type { NotificationOutbox } from "./ports.ts";

export interface SlackDeliveryOptions {
  outbox: NotificationOutbox;
  /** Resolved per batch: the webhook URL is a secret read (and cached) by the handler's middleware. */
  webhook: () => SlackWebhook;
  leaseMs?: number;
}

export type SlackOutcome =
  | { kind: "finding"; finding: Finding; result: "posted" | "already-posted" | "not-stored" }
  /** `account` is the organization's id for an organization's digest. */
  | { kind: "digest"; account: string; runAt: string; result: "posted" };

/**
 * One message of the Slack queue, an SNS notification of a finding or of a posture run's digest.
 * A finding is posted once however often SNS and SQS deliver it, through the finding's slack lease;
 * a failure releases the lease and is thrown, so the queue retries the message and finally
 * dead-letters it. A digest is not stored, so it has no lease: it is posted at least once (a
 * redelivery after a post that succeeded posts it again, which SQS makes rare).
 */
export class SlackDelivery {
  readonly #options: Required<SlackDeliveryOptions>;

  constructor(options: SlackDeliveryOptions) {
    this.#options = { leaseMs: 60_000, ...options };
  }

  async deliver(body: string, owner: string): Promise<SlackOutcome> {
    const { outbox, webhook, leaseMs } = this.#options;
    const notification = parseSnsEnvelope(body);
    // An organization's digest carries `organization` where an account's carries `account`.
    if (notification.attributes[KIND_ATTRIBUTE] === DIGEST_KIND && notification.attributes.organization !== undefined) {
      const digest = parseOrganizationDigestMessage(notification.message);
      await webhook().post(slackOrganizationDigestMessage(digest));
      return { kind: "digest", account: digest.organizationId, runAt: digest.runAt, result: "posted" };
    }
    if (notification.attributes[KIND_ATTRIBUTE] === DIGEST_KIND) {
      const digest = parseDigestMessage(notification.message);
      await webhook().post(slackDigestMessage(digest));
      return { kind: "digest", account: digest.account, runAt: digest.runAt, result: "posted" };
    }
    const finding = parseFindingMessage(notification.message);
    const claim = await outbox.claimDelivery(finding.id, "slack", { owner, leaseMs });
    if (claim === "delivered") return { kind: "finding", finding, result: "already-posted" };
    // Stored before notified: a finding the store no longer has has expired after resolution.
    if (claim === "missing") return { kind: "finding", finding, result: "not-stored" };
    if (claim === "busy") throw new DeliveryBusyError(`finding ${finding.id}: another invocation is posting it to Slack`);
    try {
      await webhook().post(slackMessage(finding));
    } catch (error) {
      await outbox.releaseDelivery(finding.id, "slack", { owner, error });
      throw error;
    }
    await outbox.completeDelivery(finding.id, "slack", { owner });
    return { kind: "finding", finding, result: "posted" };
  }
}

import type { Finding } from "@vigil/core";
import { DeliveryLeaseLostError, StoreError } from "./errors.ts";
import { fromItem, isExpired } from "./findingItem.ts";
import type { FindingsTable } from "./FindingsTable.ts";
import {
  type ClaimResult,
  type CompleteOptions,
  checkChannel,
  checkLease,
  checkOwner,
  type DeliveryChannel,
  type Deliveries,
  deliveryAttribute,
  dueBound,
  dueKey,
  errorMessage,
  type Lease,
  type ReleaseOptions,
  readDeliveries,
  SWEPT_CHANNEL,
} from "./outbox.ts";
import { LIVE } from "./queryExpressions.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, PENDING_NOTIFICATION_INDEX } from "./tableDefinition.ts";

export interface ListUndeliveredOptions {
  /** 1 to 1000; 100 when absent. */
  limit?: number;
}

const DEFAULT_UNDELIVERED_LIMIT = 100;
const MAX_UNDELIVERED_LIMIT = 1000;
const ID = KEY_ATTRIBUTES.id;
const PENDING = KEY_ATTRIBUTES.pendingNotification;
const DUE = KEY_ATTRIBUTES.notificationDue;

/**
 * The notification outbox each finding carries (outbox.ts): per channel, a lease taken and given
 * back with conditional updates, so that a finding is notified after it is stored, retried until
 * delivered, and delivered once. Channels are "sns" (the topic, retried by the sweep) and "slack"
 * (its queue consumer, retried by the queue's redelivery).
 */
export class DeliveryOutbox {
  readonly #table: FindingsTable;

  constructor(table: FindingsTable) {
    this.#table = table;
  }

  /**
   * Takes the lease to deliver a finding on a channel: a conditional update that succeeds only
   * while the finding is stored, not delivered there, and nobody else's lease is running.
   * "delivered" and "busy" tell the caller there is nothing to send now; "missing" that there is no
   * (unexpired) finding. Each claim counts as an attempt.
   */
  async claimDelivery(findingId: string, channel: DeliveryChannel, lease: Lease): Promise<ClaimResult> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    const clock = this.#table.clock();
    checkLease(lease, clock.ms);
    const until = clock.ms + lease.leaseMs;
    const names = deliveryNames(channel);
    const swept = channel === SWEPT_CHANNEL;
    const claimed = await this.#table.update(`claiming the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #owner = :owner, #until = :until, #attempts = if_not_exists(#attempts, :zero) + :one${swept ? ", #pending = :channel, #due = :due" : ""}`,
      ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND attribute_not_exists(#deliveredAt) AND (attribute_not_exists(#until) OR #until <= :nowMs)`,
      ExpressionAttributeNames: {
        "#id": ID,
        "#expiresAt": EXPIRES_AT_ATTRIBUTE,
        "#owner": names.owner,
        "#until": names.until,
        "#attempts": names.attempts,
        "#deliveredAt": names.deliveredAt,
        ...(swept ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":now": clock.seconds,
        ":nowMs": clock.ms,
        ":owner": lease.owner,
        ":until": until,
        ":zero": 0,
        ":one": 1,
        ...(swept ? { ":channel": channel, ":due": dueKey(until, findingId) } : {}),
      },
    });
    if (claimed) return "claimed";
    // The failed condition does not say which part failed (dynalite cannot return the old item), so read it.
    const deliveries = await this.getDeliveries(findingId);
    if (!deliveries) return "missing";
    return deliveries[channel].delivered ? "delivered" : "busy";
  }

  /**
   * Records that the holder of the lease delivered the finding; the sns channel leaves the pending
   * index. Repeating it by the same owner is harmless. DeliveryLeaseLostError when the lease went to
   * another owner (this one's ran out): the send happened twice or is about to.
   */
  async completeDelivery(findingId: string, channel: DeliveryChannel, options: CompleteOptions): Promise<void> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    checkOwner(options?.owner);
    if (options.reference !== undefined && typeof options.reference !== "string") throw new StoreError("reference: expected a string");
    const names = deliveryNames(channel);
    const swept = channel === SWEPT_CHANNEL;
    const completed = await this.#table.update(`completing the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #deliveredAt = :at, #deliveredBy = :owner${options.reference === undefined ? "" : ", #reference = :reference"} REMOVE #owner, #until${swept ? ", #pending, #due" : ""}`,
      ConditionExpression: "#owner = :owner OR #deliveredBy = :owner",
      ExpressionAttributeNames: {
        "#deliveredAt": names.deliveredAt,
        "#deliveredBy": names.deliveredBy,
        "#owner": names.owner,
        "#until": names.until,
        ...(options.reference === undefined ? {} : { "#reference": names.reference }),
        ...(swept ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":at": this.#table.clock().iso,
        ":owner": options.owner,
        ...(options.reference === undefined ? {} : { ":reference": options.reference }),
      },
    });
    if (!completed) throw new DeliveryLeaseLostError(findingId, channel, options.owner);
  }

  /**
   * Gives the lease back after a failed send: the finding stays undelivered, the error is kept, and
   * the sns channel is due again at once for the sweep. False when this owner no longer held the
   * lease (nothing is changed then: the newer holder's state stands).
   */
  async releaseDelivery(findingId: string, channel: DeliveryChannel, options: ReleaseOptions): Promise<boolean> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    checkOwner(options?.owner);
    const names = deliveryNames(channel);
    const swept = channel === SWEPT_CHANNEL;
    return this.#table.update(`releasing the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #lastError = :error${swept ? ", #pending = :channel, #due = :due" : ""} REMOVE #owner, #until`,
      ConditionExpression: "#owner = :owner AND attribute_not_exists(#deliveredAt)",
      ExpressionAttributeNames: {
        "#lastError": names.lastError,
        "#owner": names.owner,
        "#until": names.until,
        "#deliveredAt": names.deliveredAt,
        ...(swept ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":error": errorMessage(options.error),
        ":owner": options.owner,
        ...(swept ? { ":channel": channel, ":due": dueKey(this.#table.clock().ms, findingId) } : {}),
      },
    });
  }

  /**
   * The findings whose sns notification is still pending and whose lease is free or ended now, the
   * longest due first: a Query of the sparse pending index, never a Scan. The index is eventually
   * consistent, so a finding may show here a moment after its delivery; claimDelivery then answers
   * "delivered".
   */
  async listUndelivered(options: ListUndeliveredOptions = {}): Promise<Finding[]> {
    const limit = options.limit ?? DEFAULT_UNDELIVERED_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_UNDELIVERED_LIMIT) {
      throw new StoreError(`limit: expected a whole number from 1 to ${MAX_UNDELIVERED_LIMIT}, got ${String(options.limit)}`);
    }
    const clock = this.#table.clock();
    const items = await this.#table.queryAll(
      "listing undelivered findings",
      {
        IndexName: PENDING_NOTIFICATION_INDEX,
        KeyConditionExpression: "#pending = :channel AND #due < :bound",
        FilterExpression: LIVE,
        ExpressionAttributeNames: { "#pending": PENDING, "#due": DUE, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
        ExpressionAttributeValues: { ":channel": SWEPT_CHANNEL, ":bound": dueBound(clock.ms), ":now": clock.seconds },
      },
      limit,
    );
    return items.map((item) => fromItem(item, clock.iso));
  }

  /** Every channel's delivery state of a stored (unexpired) finding; undefined when there is none. */
  async getDeliveries(findingId: string): Promise<Deliveries | undefined> {
    const item = await this.#table.readItem(findingId, "reading a finding's deliveries");
    return item && !isExpired(item, this.#table.clock().seconds) ? readDeliveries(item) : undefined;
  }
}

function deliveryNames(channel: DeliveryChannel) {
  return {
    owner: deliveryAttribute(channel, "LeaseOwner"),
    until: deliveryAttribute(channel, "LeaseUntil"),
    attempts: deliveryAttribute(channel, "Attempts"),
    lastError: deliveryAttribute(channel, "LastError"),
    deliveredAt: deliveryAttribute(channel, "DeliveredAt"),
    deliveredBy: deliveryAttribute(channel, "DeliveredBy"),
    reference: deliveryAttribute(channel, "Reference"),
  };
}

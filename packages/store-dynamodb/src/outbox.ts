import { StoreError } from "./errors.ts";
import { KEY_ATTRIBUTES } from "./tableDefinition.ts";

/**
 * The notification outbox kept on each finding item: per channel, whether the finding was
 * delivered there, who holds the lease to deliver it now, and how the attempts went. The item
 * attributes are flat (`snsLeaseOwner`, `slackDeliveredAt`, ...) so that a conditional update can
 * set any of them on an item that has never had them. See the package README.
 */

/** "sns": the topic publish, the root of every notification. "slack": the Slack consumer of that topic. */
export const DELIVERY_CHANNELS = ["sns", "slack"] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

/** The channel the retry sweep lists (`listUndelivered`); the others are driven by their queue's redelivery. */
export const SWEPT_CHANNEL: DeliveryChannel = "sns";

export interface Lease {
  /** Unique per attempt (a Lambda request id, say): two holders must never share one. */
  owner: string;
  /** How long the holder may take to send; keep it well above the send's own timeout. */
  leaseMs: number;
}

export type ClaimResult = "claimed" | "delivered" | "busy" | "missing";

export interface CompleteOptions {
  owner: string;
  /** What the channel returned (an SNS MessageId, a Slack message ts), kept for tracing. */
  reference?: string;
}

export interface ReleaseOptions {
  owner: string;
  /** Why the send failed; kept as a short message. */
  error: unknown;
}

/** One channel's delivery state of a finding, for operators and tests. */
export interface DeliveryState {
  delivered: boolean;
  /** Claims so far, the creator's included. */
  attempts: number;
  deliveredAt?: string;
  reference?: string;
  lastError?: string;
  /** Present while someone holds (or held, until it is reclaimed) the lease. */
  lease?: { owner: string; untilMs: number };
}

export type Deliveries = Record<DeliveryChannel, DeliveryState>;

const FIELDS = ["LeaseOwner", "LeaseUntil", "Attempts", "LastError", "DeliveredAt", "DeliveredBy", "Reference"] as const;
type Field = (typeof FIELDS)[number];

/** The item attribute holding one field of one channel's state, e.g. `snsLeaseUntil`. */
export function deliveryAttribute(channel: DeliveryChannel, field: Field): string {
  return `${channel}${field}`;
}

/** Every outbox attribute, so that findings returned to callers keep their public shape. */
export const DELIVERY_ATTRIBUTES: readonly string[] = DELIVERY_CHANNELS.flatMap((channel) => FIELDS.map((field) => deliveryAttribute(channel, field)));

const MAX_ERROR_LENGTH = 500;

export function readDeliveries(item: Record<string, unknown>): Deliveries {
  const state = (channel: DeliveryChannel): DeliveryState => {
    const value = (field: Field) => item[deliveryAttribute(channel, field)];
    const owner = value("LeaseOwner");
    const until = value("LeaseUntil");
    return {
      delivered: typeof value("DeliveredAt") === "string",
      attempts: typeof value("Attempts") === "number" ? (value("Attempts") as number) : 0,
      ...optionalString("deliveredAt", value("DeliveredAt")),
      ...optionalString("reference", value("Reference")),
      ...optionalString("lastError", value("LastError")),
      ...(typeof owner === "string" && typeof until === "number" ? { lease: { owner, untilMs: until } } : {}),
    };
  };
  return { sns: state("sns"), slack: state("slack") };
}

function optionalString<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === "string" ? { [key]: value } : {}) as { [P in K]?: string };
}

/** `<instant>#<id>`: the pending index's sort key, so the sweep reads the oldest due first. */
export function dueKey(ms: number, findingId: string): string {
  return `${new Date(ms).toISOString()}#${findingId}`;
}

/** The first due key after `ms`: every key below it is due at or before `ms`. */
export function dueBound(ms: number): string {
  return new Date(ms + 1).toISOString();
}

/** "Name: message" on one line, short enough to keep on the item. */
export function errorMessage(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > MAX_ERROR_LENGTH ? `${line.slice(0, MAX_ERROR_LENGTH - 1)}…` : line;
}

export function checkChannel(channel: unknown): asserts channel is DeliveryChannel {
  if (!(DELIVERY_CHANNELS as readonly unknown[]).includes(channel)) {
    throw new StoreError(`channel: expected one of ${DELIVERY_CHANNELS.join(", ")}, got ${JSON.stringify(channel)}`);
  }
}

export function checkOwner(owner: unknown, field = "owner"): asserts owner is string {
  if (typeof owner !== "string" || owner === "") throw new StoreError(`${field}: expected a non-empty string`);
}

export function checkInstant(ms: unknown, field: string): asserts ms is number {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0 || ms > MAX_INSTANT_MS) {
    throw new StoreError(`${field}: expected epoch milliseconds, got ${String(ms)}`);
  }
}

/** A lease taken at `nowMs`, checked field by field, its end within the range of due keys. */
export function checkLease(lease: Lease, nowMs: number, field = "lease"): void {
  checkOwner(lease?.owner, `${field}.owner`);
  if (typeof lease.leaseMs !== "number" || !Number.isFinite(lease.leaseMs) || lease.leaseMs <= 0) {
    throw new StoreError(`${field}.leaseMs: expected a positive number of milliseconds, got ${String(lease.leaseMs)}`);
  }
  checkInstant(nowMs + lease.leaseMs, `${field}: now + ${field}.leaseMs`);
}

/** Last instant whose ISO form is 24 characters (year 9999), so due keys compare as strings. */
const MAX_INSTANT_MS = 253_402_300_799_998;

/** A new finding's outbox: the sweep channel pending, due now, or held by its creator until the lease ends. */
export function pendingAttributes(findingId: string, nowMs: number, claim: Lease | undefined): Record<string, unknown> {
  const attributes: Record<string, unknown> = {
    [KEY_ATTRIBUTES.pendingNotification]: SWEPT_CHANNEL,
    [KEY_ATTRIBUTES.notificationDue]: dueKey(claim ? nowMs + claim.leaseMs : nowMs, findingId),
    [deliveryAttribute(SWEPT_CHANNEL, "Attempts")]: claim ? 1 : 0,
  };
  if (claim) {
    attributes[deliveryAttribute(SWEPT_CHANNEL, "LeaseOwner")] = claim.owner;
    attributes[deliveryAttribute(SWEPT_CHANNEL, "LeaseUntil")] = nowMs + claim.leaseMs;
  }
  return attributes;
}

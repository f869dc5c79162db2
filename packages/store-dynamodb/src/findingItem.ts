import type { Finding } from "@vigil/core";
import { DELIVERY_ATTRIBUTES } from "./outbox.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

/** A finding as stored: its own fields plus the key attributes of the indexes, the outbox state and, once resolved, `expiresAt`. */
export type FindingItem = Record<string, unknown> & { id: string; skTime: string; expiresAt?: number };

const INTERNAL = new Set<string>([...Object.values(KEY_ATTRIBUTES).filter((name) => name !== KEY_ATTRIBUTES.id), EXPIRES_AT_ATTRIBUTE, ...DELIVERY_ATTRIBUTES]);

/** Last instant whose ISO form is 24 characters (year 9999), so sort keys compare as strings. */
const MAX_SORTABLE_MS = 253_402_300_799_999;
const EPOCH = new Date(0).toISOString();

/**
 * The time part of the sort key: eventTime, else detectedAt, normalised to a fixed-width ISO
 * instant (CloudTrail writes `…:00Z`, the clock `…:00.000Z`, and those do not sort as strings).
 */
export function sortTime(finding: Pick<Finding, "eventTime" | "detectedAt">): string {
  for (const text of [finding.eventTime, finding.detectedAt]) {
    if (text === undefined) continue;
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_SORTABLE_MS) return new Date(ms).toISOString();
  }
  return EPOCH;
}

export function sortKey(finding: Finding): string {
  return `${sortTime(finding)}#${finding.id}`;
}

/** `expiresAt` is `undefined` unless the finding is resolved. */
export function toItem(finding: Finding, expiresAt: number | undefined): FindingItem {
  const item: FindingItem = { ...finding, [KEY_ATTRIBUTES.time]: sortKey(finding) } as FindingItem;
  const partitions = {
    status: finding.status,
    severity: finding.severity,
    ruleId: finding.ruleId,
    principal: finding.principal,
    resource: finding.resource,
    account: finding.account,
  } as const;
  // An index key may not be an empty string: such a finding is simply absent from that index.
  for (const [field, value] of Object.entries(partitions)) {
    if (value) item[KEY_ATTRIBUTES[field as keyof typeof partitions]] = value;
  }
  if (expiresAt !== undefined) item[EXPIRES_AT_ATTRIBUTE] = expiresAt;
  return item;
}

export function fromItem(item: Record<string, unknown>): Finding {
  const finding: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!INTERNAL.has(name)) finding[name] = value;
  return finding as unknown as Finding;
}

/** True once a resolved finding's retention has passed, whether or not TTL has deleted it yet. */
export function isExpired(item: Record<string, unknown>, nowSeconds: number): boolean {
  const expiresAt = item[EXPIRES_AT_ATTRIBUTE];
  return typeof expiresAt === "number" && expiresAt <= nowSeconds;
}

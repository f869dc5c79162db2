import type { Finding } from "@vigil/core";
import { effectiveStatus, HISTORY_ATTRIBUTE, type HistoryEntry, SUPPRESSED_UNTIL_ATTRIBUTE, SYSTEM_ACTOR } from "./history.ts";
import { EXPORT_STATE_ATTRIBUTES, pendingExportAttributes } from "./exportState.ts";
import { isoInstant, MAX_SORTABLE_MS } from "./instant.ts";
import { DELIVERY_ATTRIBUTES, type Lease, pendingAttributes } from "./outbox.ts";
import { SOURCE_EVENT_ATTRIBUTES, sourceEventAttributes } from "./sourceEvents.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

/** A finding as stored: its own fields plus the key attributes of the indexes, the outbox state, the triage history and, once resolved, `expiresAt`. */
export type FindingItem = Record<string, unknown> & { id: string; skTime: string; expiresAt?: number };

const INTERNAL = new Set<string>([
  ...Object.values(KEY_ATTRIBUTES).filter((name) => name !== KEY_ATTRIBUTES.id),
  EXPIRES_AT_ATTRIBUTE,
  HISTORY_ATTRIBUTE,
  SUPPRESSED_UNTIL_ATTRIBUTE,
  ...DELIVERY_ATTRIBUTES,
  ...EXPORT_STATE_ATTRIBUTES,
  // Read only with the finding's detail: lists and notifications stay light.
  ...SOURCE_EVENT_ATTRIBUTES,
]);

const EPOCH = isoInstant(0);

/**
 * The time part of the sort key: eventTime, else detectedAt, normalised to a fixed-width ISO
 * instant (CloudTrail writes `…:00Z`, the clock `…:00.000Z`, and those do not sort as strings).
 * It is fixed when the finding is stored and never moves (a posture finding's lastSeenAt does not
 * move it), so a list position, and a cursor, stays exact.
 */
export function sortTime(finding: Pick<Finding, "eventTime" | "detectedAt">): string {
  for (const text of [finding.eventTime, finding.detectedAt]) {
    if (text === undefined) continue;
    const ms = Date.parse(text);
    if (Number.isFinite(ms) && ms >= 0 && ms <= MAX_SORTABLE_MS) return isoInstant(ms);
  }
  return EPOCH;
}

export function sortKey(finding: Finding): string {
  return `${sortTime(finding)}#${finding.id}`;
}

export interface NewItemOptions {
  /** When the store writes it: the creation entry's time, and the start of a resolved finding's retention. */
  nowMs: number;
  retentionSeconds: number;
  /** The sns lease the finding is born with (see outbox.ts). */
  claim?: Lease;
  /** Born pending export (exportState.ts). */
  exportChanges?: boolean;
  /** The CloudTrail records the finding was made from, those at hand (sourceEvents.ts). */
  sourceEvents?: readonly unknown[];
}

/** The item `putFindings` writes for a new finding: index keys, outbox, the creation entry of its history, the records it was made from and, when it is put resolved, its expiry. */
export function newFindingItem(finding: Finding, options: NewItemOptions): FindingItem {
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
  if (finding.status === "resolved") item[EXPIRES_AT_ATTRIBUTE] = Math.floor(options.nowMs / 1000) + options.retentionSeconds;
  const created: HistoryEntry = { at: isoInstant(options.nowMs), actor: SYSTEM_ACTOR, action: "create", from: null, to: finding.status };
  item[HISTORY_ATTRIBUTE] = [created];
  return { ...item, ...sourceEventAttributes(finding, options.sourceEvents), ...pendingAttributes(finding.id, options.nowMs, options.claim), ...(options.exportChanges ? pendingExportAttributes(finding.id, options.nowMs) : {}) };
}

/** The finding's public shape: its own fields, with the status in effect at `nowIso`. */
export function fromItem(item: Record<string, unknown>, nowIso: string): Finding {
  const finding: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(item)) if (!INTERNAL.has(name)) finding[name] = value;
  finding.status = effectiveStatus(item, nowIso);
  return finding as unknown as Finding;
}

/** True once a resolved finding's retention has passed, whether or not TTL has deleted it yet. */
export function isExpired(item: Record<string, unknown>, nowSeconds: number): boolean {
  const expiresAt = item[EXPIRES_AT_ATTRIBUTE];
  return typeof expiresAt === "number" && expiresAt <= nowSeconds;
}

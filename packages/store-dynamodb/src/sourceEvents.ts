import type { Finding } from "@vigil/core";

/**
 * The CloudTrail records a finding was made from, kept on its item for a person to read (the
 * finding page), never part of the Finding itself: notifications and exports stay as they are.
 * Each record is kept as its JSON text, so DynamoDB stores exactly what was received.
 */
export const SOURCE_EVENTS_ATTRIBUTE = "sourceEvents";
/** The events of the finding whose records were not kept, each with why. */
export const SOURCE_EVENTS_NOT_KEPT_ATTRIBUTE = "sourceEventsNotKept";
export const SOURCE_EVENT_ATTRIBUTES = [SOURCE_EVENTS_ATTRIBUTE, SOURCE_EVENTS_NOT_KEPT_ATTRIBUTE] as const;

/** A threshold finding may stand on hundreds of events: the first few say what happened, and an item is at most 400 KB. */
export const MAX_SOURCE_EVENTS = 5;
/** Bytes of JSON text kept of one record; a longer one is kept cut to this. Five of them leave room in an item for the rest. */
export const MAX_SOURCE_EVENT_BYTES = 32 * 1024;

/**
 * Why an event's record was not kept: `notAtHand`, the finding was made when a later event arrived
 * and the earlier ones were remembered by id only; `overLimit`, it came after the first
 * MAX_SOURCE_EVENTS; `notRecorded`, the finding was stored without records (by a version that kept
 * none, or by a caller that gave none).
 */
export const NOT_KEPT_REASONS = ["notAtHand", "overLimit", "notRecorded"] as const;
export type NotKeptReason = (typeof NOT_KEPT_REASONS)[number];

/** One record as the store gives it back: whole, or, when it was longer than MAX_SOURCE_EVENT_BYTES, the start of its JSON text and its full size. */
export type SourceEvent = { eventId: string; record: unknown } | { eventId: string; cut: { text: string; bytes: number } };

export interface SourceEvents {
  events: SourceEvent[];
  eventsNotKept: { eventId: string; reason: NotKeptReason }[];
}

interface StoredEvent {
  eventId: string;
  json: string;
  /** Present when `json` was cut: the full JSON text's size in bytes. */
  bytes?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The events a finding stands on: a threshold or sequence finding lists them all; an event finding has one; a posture finding none. */
export function findingEventIds(finding: Pick<Finding, "eventId" | "eventIds">): string[] {
  if (finding.eventIds && finding.eventIds.length > 0) return [...finding.eventIds];
  return finding.eventId ? [finding.eventId] : [];
}

/** The record's eventID, when it has one. */
function recordEventId(record: unknown): string | undefined {
  const id = record !== null && typeof record === "object" ? (record as { eventID?: unknown }).eventID : undefined;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** The record's JSON text, cut at MAX_SOURCE_EVENT_BYTES (on a character boundary) when longer. */
function storedEvent(eventId: string, record: unknown): StoredEvent {
  const json = JSON.stringify(record) ?? "null";
  const bytes = encoder.encode(json);
  if (bytes.length <= MAX_SOURCE_EVENT_BYTES) return { eventId, json };
  // A cut inside a multi-byte character decodes to U+FFFD at the end: dropped.
  const cut = decoder.decode(bytes.subarray(0, MAX_SOURCE_EVENT_BYTES)).replace(/\uFFFD$/, "");
  return { eventId, json: cut, bytes: bytes.length };
}

/**
 * The attributes that keep a new finding's records: the records of its events that are at hand, in
 * the finding's event order, at most MAX_SOURCE_EVENTS, and which of its events have none and why.
 * Records of events that are not the finding's are ignored. Nothing at all when there are no records.
 */
export function sourceEventAttributes(finding: Finding, records: readonly unknown[] | undefined): Record<string, unknown> {
  if (records === undefined || records.length === 0) return {};
  const byId = new Map<string, unknown>();
  for (const record of records) {
    const id = recordEventId(record);
    if (id !== undefined && !byId.has(id)) byId.set(id, record);
  }
  const kept: StoredEvent[] = [];
  const notKept: { eventId: string; reason: NotKeptReason }[] = [];
  for (const eventId of findingEventIds(finding)) {
    if (!byId.has(eventId)) notKept.push({ eventId, reason: "notAtHand" });
    else if (kept.length >= MAX_SOURCE_EVENTS) notKept.push({ eventId, reason: "overLimit" });
    else kept.push(storedEvent(eventId, byId.get(eventId)));
  }
  if (kept.length === 0) return {};
  return { [SOURCE_EVENTS_ATTRIBUTE]: kept, ...(notKept.length > 0 ? { [SOURCE_EVENTS_NOT_KEPT_ATTRIBUTE]: notKept } : {}) };
}

/** The records kept on an item, and the finding's events without one (all of them, as `notRecorded`, for an item stored without records). */
export function readSourceEvents(item: Record<string, unknown>, finding: Finding): SourceEvents {
  const stored = item[SOURCE_EVENTS_ATTRIBUTE];
  if (!Array.isArray(stored)) return { events: [], eventsNotKept: findingEventIds(finding).map((eventId) => ({ eventId, reason: "notRecorded" })) };
  const events = (stored as StoredEvent[]).map((entry): SourceEvent => {
    if (entry.bytes !== undefined) return { eventId: entry.eventId, cut: { text: entry.json, bytes: Number(entry.bytes) } };
    return { eventId: entry.eventId, record: JSON.parse(entry.json) as unknown };
  });
  const notKept = item[SOURCE_EVENTS_NOT_KEPT_ATTRIBUTE];
  return { events, eventsNotKept: Array.isArray(notKept) ? (notKept as SourceEvents["eventsNotKept"]) : [] };
}

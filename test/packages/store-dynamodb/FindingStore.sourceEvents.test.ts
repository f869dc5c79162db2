import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { MAX_SOURCE_EVENT_BYTES, MAX_SOURCE_EVENTS } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding } from "./findingFactory.ts";

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

/** A CloudTrail record as delivered, with fields no schema knows. */
function record(eventId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { eventVersion: "1.08", eventID: eventId, eventTime: "2026-11-01T00:01:00Z", eventSource: "iam.amazonaws.com", eventName: "CreateUser", awsRegion: "eu-west-1", requestParameters: { userName: "new-1" }, tlsDetails: { tlsVersion: "TLSv1.3" }, ...extra };
}

describe("FindingStore: the CloudTrail records behind a finding", () => {
  it("keeps the record of a new finding exactly, outside the Finding, and returns it only with the detail", async () => {
    const store = await freshStore(dynalite);
    const finding = makeFinding(1);
    const raw = record("event-1", { unicode: "é ✓" });
    await store.writer.putFindings([finding], { sourceEvents: (f) => (f.id === finding.id ? [raw, record("someone-else")] : undefined) });

    expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
    expect((await store.reader.listFindings()).items).toStrictEqual([finding]);
    expect(await store.reader.getFindingDetail(finding.id)).toStrictEqual({
      finding,
      history: [expect.objectContaining({ action: "create" })],
      events: [{ eventId: "event-1", record: raw }],
      eventsNotKept: [],
    });
    const item = (await dynalite.client.send(new GetCommand({ TableName: store.table.name, Key: { id: finding.id } }))).Item!;
    expect(item.sourceEvents).toStrictEqual([{ eventId: "event-1", json: JSON.stringify(raw) }]);
  });

  it("leaves a stored finding's records as they were", async () => {
    const store = await freshStore(dynalite);
    const finding = makeFinding(2);
    await store.writer.putFindings([finding], { sourceEvents: () => [record("event-2", { first: true })] });
    await store.writer.putFindings([finding], { sourceEvents: () => [record("event-2", { first: false })] });
    expect((await store.reader.getFindingDetail(finding.id))!.events).toStrictEqual([{ eventId: "event-2", record: record("event-2", { first: true }) }]);
  });

  it("cuts a record longer than the limit at the limit and says its full size", async () => {
    const store = await freshStore(dynalite);
    const finding = makeFinding(3);
    const raw = record("event-3", { padding: "x".repeat(MAX_SOURCE_EVENT_BYTES) });
    await store.writer.putFindings([finding], { sourceEvents: () => [raw] });
    const { events, eventsNotKept } = (await store.reader.getFindingDetail(finding.id))!;
    const json = JSON.stringify(raw);
    expect(eventsNotKept).toStrictEqual([]);
    expect(events).toStrictEqual([{ eventId: "event-3", cut: { text: json.slice(0, MAX_SOURCE_EVENT_BYTES), bytes: json.length } }]);
  });

  it("a threshold finding: keeps the first records at hand, and names the events without one and why", async () => {
    const store = await freshStore(dynalite);
    const eventIds = Array.from({ length: MAX_SOURCE_EVENTS + 3 }, (_, n) => `burst-${n}`);
    const finding = makeFinding(4, { eventId: eventIds.at(-1)!, eventIds });
    // The first event was remembered by id only; the rest are at hand.
    await store.writer.putFindings([finding], { sourceEvents: () => eventIds.slice(1).map((id) => record(id)) });
    const { events, eventsNotKept } = (await store.reader.getFindingDetail(finding.id))!;
    expect(events.map((event) => event.eventId)).toStrictEqual(eventIds.slice(1, 1 + MAX_SOURCE_EVENTS));
    expect(eventsNotKept).toStrictEqual([
      { eventId: "burst-0", reason: "notAtHand" },
      ...eventIds.slice(1 + MAX_SOURCE_EVENTS).map((eventId) => ({ eventId, reason: "overLimit" })),
    ]);
  });

  it("a finding stored without records: every event reads as not recorded; a posture finding has none", async () => {
    const store = await freshStore(dynalite);
    const finding = makeFinding(5);
    const { eventId: _, eventName: __, eventSource: ___, eventTime: ____, ...posture } = makeFinding(6, { id: "root-access-keys-present:000000000000000000000006", ruleId: "root-access-keys-present" });
    await store.writer.putFindings([finding, posture]);
    expect(await store.reader.getFindingDetail(finding.id)).toMatchObject({ events: [], eventsNotKept: [{ eventId: "event-5", reason: "notRecorded" }] });
    expect(await store.reader.getFindingDetail(posture.id)).toMatchObject({ events: [], eventsNotKept: [] });
    expect(await store.reader.getFindingDetail("no-such-finding")).toBeUndefined();
  });
});

import { catalogue, Engine, MemoryWindowStore, resolveConfig } from "@vigil/core";
import { EventScan } from "@vigil/monitor";
import { createFindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable } from "@vigil/store-dynamodb/local";
import { describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { cloudTrailRecord, withEventId } from "../../functions/lambdaEvents.ts";

const NOW = new Date("2026-11-22T12:00:00.000Z");
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const dynalite = useDynalite();

async function* records(values: readonly unknown[]) {
  for (const [index, value] of values.entries()) yield { value, at: `record ${index}` };
}

describe("Class: EventScan", () => {
  it("stores each finding with the raw record it was made from, as read", async () => {
    await ensureFindingsTable(dynalite().client, "scan-records");
    const store = createFindingStore({ client: dynalite().client, tableName: "scan-records", now: () => NOW });
    const engine = new Engine({ rules: catalogue, config: resolveConfig({}, catalogue), windows: new MemoryWindowStore(), now: () => NOW });
    // A field no schema knows stays in the record kept.
    const first = { ...USER_CREATED, vpcEndpointId: "vpce-0123456789abcdef0" };
    const second = withEventId(USER_CREATED, "second-event");
    const scan = new EventScan({ engine, store: store.writer, listener: { error: (at, message) => expect.fail(`${at}: ${message}`), finding: () => {} } });

    expect(await scan.run({ records: records([first, second]) })).toEqual({ created: 2 });

    const { items } = await store.reader.listFindings();
    expect(items).toHaveLength(2);
    const events = await Promise.all(items.map(async (finding) => (await store.reader.getFindingDetail(finding.id))!.events));
    expect(events.flat().sort((a, b) => a.eventId.localeCompare(b.eventId))).toEqual(
      [
        { eventId: first.eventID, record: first },
        { eventId: "second-event", record: second },
      ].sort((a, b) => a.eventId.localeCompare(b.eventId)),
    );
  });
});

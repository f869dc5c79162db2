import { MemoryWindowStore, type WindowStore } from "@vigil/core";
import { DynamoWindowStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStateTable } from "./findingFactory.ts";

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-20T08:00:00Z");

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

/** The WindowStore contract (core's engine/WindowStore.ts), held by the CLI's store and the deployed monitor's alike. */
describe.each([
  ["MemoryWindowStore", async (): Promise<WindowStore> => new MemoryWindowStore()],
  ["DynamoWindowStore", async (): Promise<WindowStore> => new DynamoWindowStore({ client: dynalite.client, tableName: await freshStateTable(dynalite) })],
])("Contract: WindowStore (%s)", (_name, makeStore) => {
  it("fires with the window's ids when the threshold is reached inside the window", async () => {
    const store = await makeStore();

    const results = [];
    for (const [n, id] of ["a", "b", "c"].entries()) results.push(await store.record("k", id, T0 + n * MINUTE, 10 * MINUTE, 3));

    expect(results).toEqual([undefined, undefined, ["a", "b", "c"]]);
  });

  it("does not count events older than the window before the new one", async () => {
    const store = await makeStore();
    await store.record("k", "a", T0, 10 * MINUTE, 3);
    await store.record("k", "b", T0 + 11 * MINUTE, 10 * MINUTE, 3);

    const third = await store.record("k", "c", T0 + 12 * MINUTE, 10 * MINUTE, 3);
    const fourth = await store.record("k", "d", T0 + 13 * MINUTE, 10 * MINUTE, 3);

    expect(third).toBeUndefined();
    expect(fourth).toEqual(["b", "c", "d"]);
  });

  it("counts a redelivered event once", async () => {
    const store = await makeStore();
    await store.record("k", "a", T0, MINUTE, 2);

    const again = await store.record("k", "a", T0, MINUTE, 2);
    const next = await store.record("k", "b", T0 + 1000, MINUTE, 2);

    expect(again).toBeUndefined();
    expect(next).toEqual(["a", "b"]);
  });

  it("empties the window when it fires, so the next finding needs the threshold again", async () => {
    const store = await makeStore();
    const ids = ["a", "b", "c", "d", "e", "f"];

    const results = [];
    for (const [n, id] of ids.entries()) results.push(await store.record("k", id, T0 + n * 1000, MINUTE, 3));

    expect(results).toEqual([undefined, undefined, ["a", "b", "c"], undefined, undefined, ["d", "e", "f"]]);
  });

  it("keeps one window per key", async () => {
    const store = await makeStore();
    await store.record("rule\0alice", "a1", T0, MINUTE, 2);
    await store.record("rule\0bob", "b1", T0, MINUTE, 2);

    expect(await store.record("rule\0alice", "a2", T0 + 1000, MINUTE, 2)).toEqual(["a1", "a2"]);
    expect(await store.record("other\0bob", "b2", T0 + 1000, MINUTE, 2)).toBeUndefined();
  });

  it("fires on the first event when the threshold is one", async () => {
    const store = await makeStore();

    expect(await store.record("k", "only", T0, MINUTE, 1)).toEqual(["only"]);
  });
});

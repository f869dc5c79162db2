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

  it("counts distinct values once each when asked, firing on the threshold-th different one", async () => {
    const store = await makeStore();
    const calls = ["ListUsers", "ListUsers", "ListRoles", "ListUsers", "ListRoles", "GetRole"];

    const results = [];
    for (const [n, call] of calls.entries()) results.push(await store.record("k", `e${n}`, T0 + n * 1000, MINUTE, 3, call));

    // The latest event of each value stands for it: e3 (ListUsers), e4 (ListRoles), e5 (GetRole).
    expect(results).toEqual([undefined, undefined, undefined, undefined, undefined, ["e3", "e4", "e5"]]);
  });

  it("gives the same ids again to the redelivered event that fired a window, and never counts the others again", async () => {
    const store = await makeStore();
    for (const [n, id] of ["a", "b"].entries()) await store.record("k", id, T0 + n * 1000, MINUTE, 3);
    const fired = await store.record("k", "c", T0 + 2000, MINUTE, 3);

    expect(await store.record("k", "c", T0 + 2000, MINUTE, 3)).toEqual(fired);
    expect(await store.record("k", "a", T0, MINUTE, 3)).toBeUndefined();
    expect(await store.record("k", "d", T0 + 3000, MINUTE, 3)).toBeUndefined();
  });
});

const step = (id: string, name: string, minutes: number) => ({ id, step: name, t: T0 + minutes * MINUTE, summary: `${name} ${id}` });
const REQUIRED = ["create", "admin"];

/** The sequence half of the WindowStore contract. */
describe.each([
  ["MemoryWindowStore", async (): Promise<WindowStore> => new MemoryWindowStore()],
  ["DynamoWindowStore", async (): Promise<WindowStore> => new DynamoWindowStore({ client: dynalite.client, tableName: await freshStateTable(dynalite) })],
])("Contract: WindowStore sequences (%s)", (_name, makeStore) => {
  it("fires when every required step is in, in whatever order, naming every step seen, ordered by time", async () => {
    const store = await makeStore();

    const first = await store.recordStep("user/x", step("attach", "admin", 2), 60 * MINUTE, REQUIRED);
    const second = await store.recordStep("user/x", step("key", "credentials", 1), 60 * MINUTE, REQUIRED);
    const third = await store.recordStep("user/x", step("create", "create", 0), 60 * MINUTE, REQUIRED);

    expect([first, second]).toEqual([undefined, undefined]);
    expect(third?.map((seen) => seen.id)).toEqual(["create", "key", "attach"]);
    expect(third?.[1]).toEqual(step("key", "credentials", 1));
  });

  it("fires once: later steps and redelivered ones do not fire again, except the completing one, with the same steps", async () => {
    const store = await makeStore();
    await store.recordStep("user/x", step("create", "create", 0), 60 * MINUTE, REQUIRED);
    const fired = await store.recordStep("user/x", step("attach", "admin", 1), 60 * MINUTE, REQUIRED);

    expect(await store.recordStep("user/x", step("attach", "admin", 1), 60 * MINUTE, REQUIRED)).toEqual(fired);
    expect(await store.recordStep("user/x", step("create", "create", 0), 60 * MINUTE, REQUIRED)).toBeUndefined();
    expect(await store.recordStep("user/x", step("key", "credentials", 2), 60 * MINUTE, REQUIRED)).toBeUndefined();
    expect(await store.recordStep("user/x", step("attach-2", "admin", 3), 60 * MINUTE, REQUIRED)).toBeUndefined();
  });

  it("does not join steps further apart than the window, nor steps of another key", async () => {
    const store = await makeStore();
    await store.recordStep("user/x", step("create", "create", 0), 60 * MINUTE, REQUIRED);

    expect(await store.recordStep("user/y", step("attach-y", "admin", 1), 60 * MINUTE, REQUIRED)).toBeUndefined();
    expect(await store.recordStep("user/x", step("attach-late", "admin", 61), 60 * MINUTE, REQUIRED)).toBeUndefined();
  });

  it("fires again for a new sequence on the same key once the first was spent", async () => {
    const store = await makeStore();
    await store.recordStep("role/r", step("create-1", "create", 0), 60 * MINUTE, REQUIRED);
    await store.recordStep("role/r", step("attach-1", "admin", 1), 60 * MINUTE, REQUIRED);
    await store.recordStep("role/r", step("create-2", "create", 120), 60 * MINUTE, REQUIRED);

    const again = await store.recordStep("role/r", step("attach-2", "admin", 121), 60 * MINUTE, REQUIRED);

    expect(again?.map((seen) => seen.id)).toEqual(["create-2", "attach-2"]);
  });
});

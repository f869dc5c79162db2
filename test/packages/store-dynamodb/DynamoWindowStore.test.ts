import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { DynamoWindowStore, StoreError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStateTable } from "./findingFactory.ts";

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-20T08:00:00Z");

let dynalite: RunningDynalite;
const clients: DynamoDBDocumentClient[] = [];
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  for (const client of clients) client.destroy();
  await dynalite?.close();
});

/** What a second Lambda would have: its own SDK client and store, on the same table. */
function anotherInvocation(tableName: string, options: { rememberedWindows?: number } = {}): DynamoWindowStore {
  return countedInvocation(tableName, options).store;
}

/** anotherInvocation, with the DynamoDB operations its client sends counted by name. */
function countedInvocation(tableName: string, options: { rememberedWindows?: number } = {}): { store: DynamoWindowStore; calls: Map<string, number> } {
  const base = new DynamoDBClient({ endpoint: dynalite.endpoint, region: "us-east-1", credentials: dynalite.credentials });
  const calls = new Map<string, number>();
  base.middlewareStack.add(
    (next, context) => (args) => {
      calls.set(context.commandName as string, (calls.get(context.commandName as string) ?? 0) + 1);
      return next(args);
    },
    { step: "initialize", name: "countCalls" },
  );
  const client = DynamoDBDocumentClient.from(base);
  clients.push(client);
  return { store: new DynamoWindowStore({ client, tableName, ...options }), calls };
}

async function windowItems(tableName: string): Promise<Record<string, unknown>[]> {
  return (await dynalite.client.send(new ScanCommand({ TableName: tableName, ConsistentRead: true }))).Items ?? [];
}

describe("Class: DynamoWindowStore", () => {
  describe("concurrent invocations", () => {
    it("fires exactly once, with the burst's ids, when two invocations push a window to its threshold at once", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const [first, second] = [anotherInvocation(tableName), anotherInvocation(tableName)];
      const burst = Array.from({ length: 5 }, (_, n) => `login-${n}`);

      // Act
      const results = await Promise.all(burst.map((id, n) => (n % 2 ? first : second).record("console-login-failures\0alice", id, T0 + n * 1000, 5 * MINUTE, 5)));

      // Assess
      const fired = results.filter((result) => result !== undefined);
      expect(fired).toHaveLength(1);
      expect(new Set(fired[0])).toEqual(new Set(burst));
    });

    it("completes a sequence exactly once when its steps and their redeliveries are recorded by several invocations at once", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const invocations = [anotherInvocation(tableName), anotherInvocation(tableName), anotherInvocation(tableName)];
      const steps = [
        { id: "create", step: "create", t: T0, summary: "CreateUser" },
        { id: "key", step: "credentials", t: T0 + 20_000, summary: "CreateAccessKey" },
        { id: "attach", step: "admin", t: T0 + 40_000, summary: "AttachUserPolicy" },
      ];
      const deliveries = [...steps, ...steps, ...steps];

      // Act
      const results = await Promise.all(deliveries.map((step, n) => invocations[n % 3]?.recordStep("admin-backdoor-sequence\0user/x", step, 60 * MINUTE, ["create", "admin"])));

      // Assess: the completing step may be answered more than once (it is redelivered), always with the same steps.
      const fired = results.filter((result) => result !== undefined);
      expect(fired.length).toBeGreaterThan(0);
      const ids = new Set(fired.map((result) => JSON.stringify(result?.map((step) => step.id))));
      expect(ids.size).toBe(1);
      expect(JSON.parse([...ids][0] as string)).toEqual(expect.arrayContaining(["create", "attach"]));
    });

    it("splits a flood of concurrent events into disjoint bursts of the threshold, each fired once, on several keys", async () => {
      // Prepare: 40 events on each of two keys, threshold 5: eight bursts a key.
      const tableName = await freshStateTable(dynalite);
      const stores = [anotherInvocation(tableName), anotherInvocation(tableName)];
      const keys = ["unauthorized-api-calls\0bob", "console-login-failures\u0000203.0.113.7"];
      const calls = keys.flatMap((key) => Array.from({ length: 40 }, (_, n) => ({ key, id: `${key.slice(-3)}-${n}`, time: T0 + n * 100 })));

      // Act
      const results = await Promise.all(calls.map((call, n) => stores[n % 2]!.record(call.key, call.id, call.time, 10 * MINUTE, 5)));

      // Assess
      for (const key of keys) {
        const bursts = results.filter((result, n) => result !== undefined && calls[n]!.key === key) as string[][];
        const ids = calls.filter((call) => call.key === key).map((call) => call.id);
        expect(bursts).toHaveLength(8);
        bursts.forEach((burst) => expect(burst).toHaveLength(5));
        expect(bursts.flat().sort()).toEqual([...ids].sort());
      }
    });

    it("counts concurrent redeliveries of the same events once: every event lands in exactly one burst", async () => {
      // Prepare: 20 events, each delivered three times, all at once.
      const tableName = await freshStateTable(dynalite);
      const stores = [anotherInvocation(tableName), anotherInvocation(tableName), anotherInvocation(tableName)];
      const ids = Array.from({ length: 20 }, (_, n) => `event-${n}`);
      const deliveries = [...ids, ...ids, ...ids];

      // Act
      const results = await Promise.all(deliveries.map((id, n) => stores[n % 3]!.record("k", id, T0, MINUTE, 4)));

      // Assess: five bursts; a copy of a burst's firing event may see that same burst again, never another.
      const distinct = [...new Map(results.filter((r): r is string[] => r !== undefined).map((burst) => [[...burst].sort().join(","), burst])).values()];
      expect(distinct).toHaveLength(5);
      expect(distinct.flat().sort()).toEqual([...ids].sort());
      results.forEach((result, n) => {
        if (result) expect(result).toContain(deliveries[n]);
      });
    });
  });

  describe("a window this store wrote last", () => {
    it("takes the next event straight to the conditional put, without reading it first", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const { store, calls } = countedInvocation(tableName);

      // Act
      const fired: (string[] | undefined)[] = [];
      for (let n = 0; n < 5; n++) fired.push(await store.record("user/alice", `login-${n}`, T0 + n * 1000, 10 * MINUTE, 5));

      // Assess
      expect(fired.slice(0, 4)).toEqual([undefined, undefined, undefined, undefined]);
      expect(fired[4]).toEqual(["login-0", "login-1", "login-2", "login-3", "login-4"]);
      expect(calls.get("GetItemCommand")).toBe(1);
      expect(calls.get("PutItemCommand")).toBe(5);
    });

    it("reads it again when another invocation moved it since, and still fires once with every event", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const { store: mine, calls } = countedInvocation(tableName);
      const other = anotherInvocation(tableName);
      await mine.record("user/alice", "login-0", T0, 10 * MINUTE, 4);
      await mine.record("user/alice", "login-1", T0 + 1000, 10 * MINUTE, 4);
      await other.record("user/alice", "login-2", T0 + 2000, 10 * MINUTE, 4);

      // Act
      const fired = await mine.record("user/alice", "login-3", T0 + 3000, 10 * MINUTE, 4);

      // Assess
      expect(fired).toEqual(["login-0", "login-1", "login-2", "login-3"]);
      expect(await other.record("user/alice", "login-3", T0 + 3000, 10 * MINUTE, 4)).toEqual(["login-0", "login-1", "login-2", "login-3"]);
      expect(calls.get("GetItemCommand")).toBe(2);
    });

    it("answers redeliveries of a window another invocation fired as a fresh read would", async () => {
      // Prepare: the window fires in another invocation after this one last wrote it.
      const tableName = await freshStateTable(dynalite);
      const mine = anotherInvocation(tableName);
      const other = anotherInvocation(tableName);
      await mine.record("user/alice", "login-0", T0, 10 * MINUTE, 2);
      expect(await other.record("user/alice", "login-1", T0 + 1000, 10 * MINUTE, 2)).toEqual(["login-0", "login-1"]);

      // Act: both events come again to the invocation that remembers the window before it fired.
      const firing = await mine.record("user/alice", "login-1", T0 + 1000, 10 * MINUTE, 2);
      const counted = await mine.record("user/alice", "login-0", T0, 10 * MINUTE, 2);

      // Assess: the firing event gets its burst again (its finding is made again, with the same id); the other nothing.
      expect(firing).toEqual(["login-0", "login-1"]);
      expect(counted).toBeUndefined();
      const [item] = await windowItems(tableName);
      expect(item?.bursts).toHaveLength(1);
    });

    it("behaves the same when remembering nothing", async () => {
      const tableName = await freshStateTable(dynalite);
      const { store, calls } = countedInvocation(tableName, { rememberedWindows: 0 });

      for (let n = 0; n < 3; n++) await store.record("user/alice", `login-${n}`, T0 + n * 1000, 10 * MINUTE, 3);

      expect(calls.get("GetItemCommand")).toBe(3);
      expect(() => anotherInvocation(tableName, { rememberedWindows: -1 })).toThrow(/rememberedWindows/);
    });
  });

  describe("redelivery after a window fired", () => {
    it("gives the burst again to its firing event, so a finding lost to a failed invocation is made again", async () => {
      const store = new DynamoWindowStore({ client: dynalite.client, tableName: await freshStateTable(dynalite) });
      for (const [n, id] of ["a", "b"].entries()) await store.record("k", id, T0 + n, MINUTE, 3);
      const fired = await store.record("k", "c", T0 + 2, MINUTE, 3);

      const redelivered = await store.record("k", "c", T0 + 2, MINUTE, 3);

      expect(fired).toEqual(["a", "b", "c"]);
      expect(redelivered).toEqual(fired);
    });

    it("does not count a burst's other events again", async () => {
      const store = new DynamoWindowStore({ client: dynalite.client, tableName: await freshStateTable(dynalite) });
      for (const [n, id] of ["a", "b", "c"].entries()) await store.record("k", id, T0 + n, MINUTE, 3);

      const again = [await store.record("k", "a", T0, MINUTE, 3), await store.record("k", "b", T0 + 1, MINUTE, 3)];
      const next = [await store.record("k", "d", T0 + 3, MINUTE, 3), await store.record("k", "e", T0 + 4, MINUTE, 3)];

      expect(again).toEqual([undefined, undefined]);
      expect(next).toEqual([undefined, undefined]);
      expect(await store.record("k", "f", T0 + 5, MINUTE, 3)).toEqual(["d", "e", "f"]);
    });
  });

  describe("the item", () => {
    it("stays small under a flood: aged entries are pruned and old bursts forgotten", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const store = new DynamoWindowStore({ client: dynalite.client, tableName });
      const size = async () => JSON.stringify(await windowItems(tableName)).length;
      const flood = async (from: number, to: number) => {
        for (let n = from; n < to; n++) await store.record("k", `flood-${String(n).padStart(6, "0")}`, T0 + n * 1000, 30_000, 4);
      };

      // Act
      await flood(0, 100);
      const after100 = await size();
      await flood(100, 400);
      const after400 = await size();

      // Assess
      expect(after400).toBeLessThanOrEqual(after100);
      expect(await windowItems(tableName)).toHaveLength(1);
    });

    it("carries expiresAt past the window and the idle retention, for TTL on AWS; the logic never reads it", async () => {
      // Prepare
      const tableName = await freshStateTable(dynalite);
      const now = new Date("2026-11-20T09:00:00.000Z");
      const store = new DynamoWindowStore({ client: dynalite.client, tableName, idleRetentionDays: 2, now: () => now });
      const later = new DynamoWindowStore({ client: dynalite.client, tableName, now: () => new Date("2027-01-01T00:00:00.000Z") });

      // Act
      await store.record("k", "a", T0, 5 * MINUTE, 2);
      const [item] = await windowItems(tableName);
      const fired = await later.record("k", "b", T0 + 1000, 5 * MINUTE, 2);

      // Assess
      expect(item?.expiresAt).toBe(now.getTime() / 1000 + 5 * 60 + 2 * 86_400);
      expect(fired).toEqual(["a", "b"]);
    });

    it("keeps a window whose key is long or holds any character", async () => {
      const store = new DynamoWindowStore({ client: dynalite.client, tableName: await freshStateTable(dynalite) });
      const key = `console-login-failures\0arn:aws:sts::111122223333:assumed-role/${"r".repeat(3000)}/é✓`;

      await store.record(key, "a", T0, MINUTE, 2);

      expect(await store.record(key, "b", T0 + 1, MINUTE, 2)).toEqual(["a", "b"]);
    });
  });

  describe("errors", () => {
    it.each<[[string, string, number, number, number], RegExp]>([
      [["", "e", T0, MINUTE, 2], /^key: expected a non-empty string/],
      [["k", "", T0, MINUTE, 2], /^eventId: expected a non-empty string/],
      [["k", "e", Number.NaN, MINUTE, 2], /^timeMs: expected epoch milliseconds/],
      [["k", "e", T0, 0, 2], /^windowMs: expected a positive number/],
      [["k", "e", T0, MINUTE, 1.5], /^threshold: expected a positive whole number/],
    ])("rejects %j with a StoreError naming the argument", async (args, message) => {
      const store = new DynamoWindowStore({ client: dynalite.client, tableName: "never-read" });

      const failure = await store.record(...args).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as Error).message).toMatch(message);
    });

    it("reports a missing state table as a StoreError that keeps the cause", async () => {
      const store = new DynamoWindowStore({ client: dynalite.client, tableName: "no-such-state" });

      const failure = await store.record("k", "e", T0, MINUTE, 2).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).message).toMatch(/table no-such-state does not exist/);
      expect((failure as StoreError).cause).toBeInstanceOf(Error);
    });

    it("refuses options without a table or with a retention that is not positive", () => {
      expect(() => new DynamoWindowStore({ client: dynalite.client, tableName: "" })).toThrow(/tableName/);
      expect(() => new DynamoWindowStore({ client: dynalite.client, tableName: "state", idleRetentionDays: 0 })).toThrow(/idleRetentionDays/);
    });
  });
});

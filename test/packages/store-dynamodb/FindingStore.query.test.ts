import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Finding } from "@vigil/core";
import { type FindingQuery, createFindingStore, type FindingStore, InvalidCursorError, InvalidQueryError, planQuery, StoreError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding } from "./findingFactory.ts";
import { dataset, expectedIds, findingTime, seedFindings } from "./seedFindings.ts";

const NOW_MS = Date.parse("2026-11-15T00:00:00.000Z");
const HOUR = 3_600_000;
const FILTERS = ["status", "severity", "ruleId", "principal", "resource", "account"] as const;

let dynalite: RunningDynalite;
let store: FindingStore;
/** What the store should answer: the seeded findings as they read at NOW_MS. */
let live: Finding[];

beforeAll(async () => {
  dynalite = await startDynalite();
  let nowMs = NOW_MS;
  store = await freshStore(dynalite, { now: () => new Date(nowMs), cursorSecret: "query-tests" });
  const all = dataset(4000, 7);
  // Resolved 100 days ago: past the 90-day retention, so they must never be listed.
  const expired = new Set(all.filter((finding) => finding.status === "resolved").slice(0, 150).map((finding) => finding.id));
  await seedFindings(dynalite.client, store.table.name, all.filter((finding) => !expired.has(finding.id)), { nowMs: NOW_MS - 86_400_000 });
  await seedFindings(dynalite.client, store.table.name, all.filter((finding) => expired.has(finding.id)), { nowMs: NOW_MS - 100 * 86_400_000 });
  // Suppressions with an expiry, made through the store two hours ago: half ran out an hour ago (so they read as open), half still run.
  const suppressed = all.filter((finding) => finding.status === "open").slice(0, 160);
  const ranOut = new Set<string>();
  nowMs = NOW_MS - 2 * HOUR;
  for (const [index, finding] of suppressed.entries()) {
    const until = new Date(NOW_MS + (index % 2 === 0 ? -HOUR : HOUR)).toISOString();
    await store.triage.transition(finding.id, { action: "suppress", actor: "seed", reason: "seeding", until });
    if (index % 2 === 0) ranOut.add(finding.id);
  }
  nowMs = NOW_MS;
  const suppressedIds = new Set(suppressed.map((finding) => finding.id));
  live = all
    .filter((finding) => !expired.has(finding.id))
    .map((finding) => (suppressedIds.has(finding.id) && !ranOut.has(finding.id) ? { ...finding, status: "suppressed" as const } : finding));
}, 120_000);

afterAll(async () => {
  await dynalite?.close();
});

/** Every page of a query, following cursors. */
async function walk(target: FindingStore, query: FindingQuery, limit: number, between?: (listed: Finding[]) => Promise<void>): Promise<Finding[][]> {
  const pages: Finding[][] = [];
  let cursor: string | undefined;
  do {
    const page = await target.reader.listFindings({ ...query, limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.items);
    cursor = page.cursor;
    if (cursor && between) await between(pages.flat());
  } while (cursor && pages.length < 10_000);
  return pages;
}

const ids = (list: readonly Finding[]) => list.map((finding) => finding.id);

/** A query of the given filters, valued from one live finding so that it matches at least that one. */
function queryFrom(anchor: Finding, filters: readonly (typeof FILTERS)[number][], window?: "range"): FindingQuery {
  const query: FindingQuery = {};
  for (const filter of filters) (query as Record<string, string>)[filter] = anchor[filter];
  if (window) {
    // An offset form on purpose: any ISO 8601 instant is accepted.
    query.since = new Date(findingTime(anchor) - 3 * 86_400_000 + 2 * HOUR).toISOString().replace(/\.\d{3}Z$/, "+02:00");
    query.until = new Date(findingTime(anchor) + 2 * 86_400_000 + 1).toISOString();
  }
  return query;
}

const SUBSETS = Array.from({ length: 2 ** FILTERS.length }, (_, mask) => FILTERS.filter((_, bit) => mask & (1 << bit)));

describe("Class: FindingStore", () => {
  describe("Method: listFindings (4,000 findings, any combination of filters)", () => {
    it("seeded findings that read as the model: 150 past retention left out, 80 ran-out suppressions open", async () => {
      expect(live.length).toBe(3850);
      expect(live.filter((finding) => finding.status === "suppressed").length).toBeGreaterThan(80);
    });

    it.each(SUBSETS.flatMap((filters, index) => [[filters.join(" + ") || "no filter", index, filters, undefined] as const, [`${filters.join(" + ") || "no filter"} within since/until`, index, filters, "range"] as const]))(
      "lists by %s: exactly the matching findings, newest first, across pages",
      async (_name, index, filters, window) => {
        const anchor = live[(index * 7919 + (window ? 13 : 0)) % live.length]!;
        const query = queryFrom(anchor, filters, window);
        const expected = expectedIds(live, query);

        const pages = await walk(store, query, 100);

        expect(expected).toContain(anchor.id);
        expect(ids(pages.flat())).toEqual(expected);
      },
    );

    it("takes since as inclusive and until as exclusive, to the millisecond, whatever format the finding's time was in", async () => {
      // Prepare: bounds exactly at finding times, one of them shared by several findings.
      const times = [...new Set(live.map(findingTime))].sort((a, b) => a - b);
      const shared = times.find((time) => live.filter((finding) => findingTime(finding) === time).length > 1)!;
      const cases: FindingQuery[] = [
        { since: new Date(shared).toISOString() },
        { until: new Date(shared).toISOString() },
        { since: new Date(shared).toISOString(), until: new Date(shared + 1).toISOString() },
        { since: new Date(times[100]!).toISOString().replace(".000Z", "Z"), until: new Date(times[400]!).toISOString(), severity: "HIGH" },
        { until: new Date(times[0]!).toISOString() },
      ];

      for (const query of cases) {
        // Act
        const pages = await walk(store, query, 100);

        // Assess
        expect(ids(pages.flat()), JSON.stringify(query)).toEqual(expectedIds(live, query));
      }
      expect(expectedIds(live, cases[2]!).length).toBeGreaterThan(1);
      expect(expectedIds(live, cases[4]!)).toEqual([]);
    });

    it("answers an empty list, without a cursor, for a value no finding has", async () => {
      const page = await store.reader.listFindings({ principal: "arn:aws:iam::111122223333:user/nobody", status: "open" });

      expect(page).toEqual({ items: [] });
    });

    it("shows a suppression that ran out as open, in lists and on the finding, before any sweep", async () => {
      const open = await walk(store, { status: "open" }, 100);
      const suppressed = await walk(store, { status: "suppressed" }, 100);

      expect(ids(open.flat())).toEqual(expectedIds(live, { status: "open" }));
      expect(ids(suppressed.flat())).toEqual(expectedIds(live, { status: "suppressed" }));
      expect(open.flat().every((finding) => finding.status === "open")).toBe(true);
    });

    describe("limits", () => {
      it("defaults to 50 a page and fills every page but the last up to the limit asked", async () => {
        const query: FindingQuery = { account: "444455556666", severity: "MEDIUM" };

        const first = await store.reader.listFindings(query);
        const pages = await walk(store, query, 37);

        expect(first.items.length).toBe(50);
        expect(pages.slice(0, -1).every((page) => page.length === 37)).toBe(true);
        expect(ids(pages.flat())).toEqual(expectedIds(live, query));
      });

      it("walks one finding at a time and 100 at a time to the same list", async () => {
        const query: FindingQuery = { ruleId: "cloudtrail-tampering", status: "open" };

        const ones = await walk(store, query, 1);
        const hundreds = await walk(store, query, 100);

        expect(ones.every((page) => page.length === 1)).toBe(true);
        expect(ids(ones.flat())).toEqual(ids(hundreds.flat()));
        expect(ids(ones.flat())).toEqual(expectedIds(live, query));
      });

      it.each([0, 101, 2.5, -1, "10"])("refuses limit %j with InvalidQueryError naming limit", async (limit) => {
        const failure = await store.reader.listFindings({ limit } as unknown as FindingQuery).catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(InvalidQueryError);
        expect(failure).toMatchObject({ parameter: "limit" });
      });
    });

    describe("pages while findings are being added", () => {
      it.each<[string, FindingQuery]>([
        ["a severity minimum (several partitions merged)", { severity: "HIGH" }],
        ["open (the open partition and the ran-out suppressions)", { status: "open" }],
        ["a principal and a status (filtered)", { principal: "arn:aws:iam::444455556666:user/person-1", status: "open" }],
        ["a rule within a time range", { ruleId: "iam-user-created", since: "2026-10-05T00:00:00Z", until: "2026-10-25T00:00:00Z" }],
      ])("by %s: never repeats or skips a finding; additions above the cursor wait for the next walk, those below it come", async (_name, query) => {
        // Prepare: a table of its own, 1,200 findings.
        const target = await freshStore(dynalite, { now: () => new Date(NOW_MS) });
        const original = dataset(1200, 99).map((finding) => ({ ...finding, ...pinned(query) }));
        await seedFindings(dynalite.client, target.table.name, original, { nowMs: NOW_MS });
        const added: Finding[] = [];
        const expectedAdded: string[] = [];
        let serial = 0;

        // Act: after each page, add a newer finding, one between findings already listed, and one older than the cursor.
        const pages = await walk(target, query, 29, async (listed) => {
          const first = listed[0]!;
          const last = listed.at(-1)!;
          const newer = findingTime(first) + 1000;
          const between = Math.floor((findingTime(first) + findingTime(last)) / 2);
          const older = findingTime(last) - 1000;
          const batch = [newer, between, older].map((ms) => addition(++serial, ms, query));
          await target.writer.putFindings(batch);
          added.push(...batch);
          // Only the older one is below the cursor: it belongs to what is left to read (if the query's time range takes it).
          if (expectedIds([batch[2]!], query).length === 1) expectedAdded.push(batch[2]!.id);
        });

        // Assess
        const listed = ids(pages.flat());
        expect(new Set(listed).size).toBe(listed.length);
        const expected = expectedIds([...original, ...added.filter((finding) => expectedAdded.includes(finding.id))], query);
        expect(listed).toEqual(expected);
        expect(expectedAdded.length).toBeGreaterThan(3);
        expect(listed.filter((id) => id.startsWith("added:")).sort()).toEqual([...expectedAdded].sort());

        function pinned(q: FindingQuery): Partial<Finding> {
          return { ...(q.principal ? { principal: q.principal } : {}), ...(q.ruleId ? { ruleId: q.ruleId } : {}) };
        }
        function addition(n: number, ms: number, q: FindingQuery): Finding {
          return makeFinding(n, { id: `added:${String(n).padStart(6, "0")}`, eventTime: new Date(ms).toISOString(), severity: "CRITICAL", status: "open", ...pinned(q) });
        }
      });
    });

    describe("cursors", () => {
      it("rejects a cursor that was altered, truncated or made up", async () => {
        const query: FindingQuery = { status: "open", severity: "MEDIUM" };
        const { cursor } = await store.reader.listFindings({ ...query, limit: 5 });
        const [payload, tag] = cursor!.split(".") as [string, string];
        const body = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
        const moved = Buffer.from(JSON.stringify({ ...body, p: "2026-10-02T00:00:00.000Z#x" })).toString("base64url");

        for (const attempt of [`${moved}.${tag}`, `${payload}.${tag.replace(/.$/, (c) => (c === "A" ? "B" : "A"))}`, cursor!.slice(1), `${cursor}.x`, "", "abc"]) {
          await expect(store.reader.listFindings({ ...query, cursor: attempt }), attempt).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });

      it("binds a cursor to every filter and the time range: changing any of them rejects it, changing the limit does not", async () => {
        const query: FindingQuery = { status: "open", severity: "LOW", account: "111122223333", since: "2026-10-03T00:00:00Z", until: "2026-11-01T00:00:00Z" };
        const { cursor } = await store.reader.listFindings({ ...query, limit: 3 });
        const changed: FindingQuery[] = [
          { ...query, status: "acknowledged" },
          { ...query, severity: "MEDIUM" },
          { ...query, account: "444455556666" },
          { ...query, ruleId: "root-activity" },
          { ...query, principal: "arn:aws:iam::111122223333:root" },
          { ...query, resource: "*" },
          { ...query, since: "2026-10-03T00:00:01Z" },
          { ...query, until: undefined },
          { status: "open", severity: "LOW", account: "111122223333" },
        ];

        for (const other of changed) await expect(store.reader.listFindings({ ...other, cursor: cursor! }), JSON.stringify(other)).rejects.toBeInstanceOf(InvalidCursorError);
        // The same instant written another way is the same query.
        await expect(store.reader.listFindings({ ...query, since: "2026-10-03T02:00:00+02:00", limit: 7, cursor: cursor! })).resolves.toMatchObject({ items: expect.any(Array) });
      });

      it("rejects a cursor from a store with another secret or another table", async () => {
        const other = createFindingStore({ client: dynalite.client, tableName: store.table.name, cursorSecret: "another-secret", now: () => new Date(NOW_MS) });
        const otherTable = await freshStore(dynalite, { cursorSecret: "query-tests" });
        const { cursor } = await store.reader.listFindings({ limit: 2 });

        await expect(other.reader.listFindings({ cursor: cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(otherTable.reader.listFindings({ cursor: cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
      });
    });

    describe("filters that drop most of what a partition holds", () => {
      it("keeps reading until the page is full, within the read budget: short pages carry a cursor and the walk is still exact", async () => {
        // Prepare: a budget of 120 index entries a page, and a rare combination served from a large partition.
        const tight = createFindingStore({ client: dynalite.client, tableName: store.table.name, now: () => new Date(NOW_MS), pageReadBudget: 120 });
        const query: FindingQuery = { account: "777788889999", severity: "CRITICAL", status: "acknowledged" };

        // Act
        const pages = await walk(tight, query, 20);
        const roomy = await walk(store, query, 20);

        // Assess
        expect(ids(pages.flat())).toEqual(expectedIds(live, query));
        expect(pages.slice(0, -1).some((page) => page.length < 20)).toBe(true);
        expect(ids(roomy.flat())).toEqual(expectedIds(live, query));
        expect(roomy.slice(0, -1).every((page) => page.length === 20)).toBe(true);
      });
    });

    describe("validation", () => {
      it.each<[string, unknown, string]>([
        ["an unknown parameter", { colour: "red" }, "colour"],
        ["a status that does not exist", { status: "closed" }, "status"],
        ["a severity that does not exist", { severity: "SEVERE" }, "severity"],
        ["an empty rule", { ruleId: "" }, "ruleId"],
        ["a principal that is not a string", { principal: 7 }, "principal"],
        ["a since that is not an instant", { since: "yesterday" }, "since"],
        ["an instant without a zone", { until: "2026-11-01T00:00:00" }, "until"],
        ["a date that does not exist", { since: "2026-02-30T00:00:00Z" }, "since"],
        ["an until not after since", { since: "2026-11-01T00:00:00Z", until: "2026-11-01T00:00:00Z" }, "until"],
      ])("refuses %s with InvalidQueryError naming the parameter", async (_name, query, parameter) => {
        const failure = await store.reader.listFindings(query as FindingQuery).catch((error: unknown) => error);

        expect(failure).toBeInstanceOf(InvalidQueryError);
        expect(failure).toMatchObject({ parameter });
        expect((failure as Error).message.startsWith(`${parameter}: `)).toBe(true);
      });
    });

    it.each<[FindingQuery, string[], string[]]>([
      [{ resource: "*", principal: "p", ruleId: "r", account: "a", status: "open", severity: "HIGH" }, ["byResource *"], ["status", "severity", "field", "field", "field"]],
      [{ principal: "p", status: "open" }, ["byPrincipal p"], ["status"]],
      [{ ruleId: "r", since: "2026-10-01T00:00:00Z" }, ["byRule r"], []],
      [{ account: "a", severity: "CRITICAL" }, ["byAccount a"], ["severity"]],
      [{ status: "open", severity: "LOW" }, ["byStatus open", "byStatus suppressed"], ["severity"]],
      [{ status: "resolved" }, ["byStatus resolved"], []],
      [{ severity: "HIGH" }, ["bySeverity CRITICAL", "bySeverity HIGH"], []],
      [{ until: "2026-10-01T00:00:00Z" }, ["bySeverity CRITICAL", "bySeverity HIGH", "bySeverity MEDIUM", "bySeverity LOW", "bySeverity INFO"], []],
    ])("plans %j on the documented index, filtering the rest", (query, partitions, filterKinds) => {
      const plan = planQuery(query);

      expect(plan.partitions.map(({ partition }) => `${partition.indexName} ${partition.value}`)).toEqual(partitions);
      expect(plan.partitions[0]!.filters.map((filter) => filter.kind)).toEqual(filterKinds);
    });

    it.each([0, -5, 1.5])("refuses a pageReadBudget of %s with a StoreError naming the option", (budget) => {
      expect(() => createFindingStore({ client: dynalite.client, tableName: "findings", pageReadBudget: budget })).toThrow(StoreError);
      expect(() => createFindingStore({ client: dynalite.client, tableName: "findings", pageReadBudget: budget })).toThrow(/^pageReadBudget: /);
    });

    it("serves every list, count and change from keys and indexes: no Scan", async () => {
      // Prepare: the same table through a client that records every command it sends.
      const sent: string[] = [];
      const client = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynalite.endpoint, region: "us-east-1", credentials: dynalite.credentials }));
      client.middlewareStack.add(
        (next, context) => (args) => {
          sent.push(String(context.commandName));
          return next(args);
        },
        { step: "initialize" },
      );
      let recordedNow = NOW_MS;
      const recorded = createFindingStore({ client, tableName: store.table.name, now: () => new Date(recordedNow) });
      const target = live.find((finding) => finding.status === "open")!;

      // Act
      await walk(recorded, { severity: "HIGH", account: "111122223333" }, 100);
      await walk(recorded, { principal: target.principal, status: "open", since: "2026-10-10T00:00:00Z" }, 50);
      await recorded.reader.listFindings({});
      await recorded.reader.summarize({ ruleIds: ["root-activity"] });
      await recorded.reader.getFindingWithHistory(target.id);
      recordedNow = NOW_MS - 3 * HOUR;
      await recorded.triage.reopenExpiredSuppressions();

      // Assess
      expect(new Set(sent)).toEqual(new Set(["QueryCommand", "GetItemCommand"]));
      client.destroy();
    });
  });
});

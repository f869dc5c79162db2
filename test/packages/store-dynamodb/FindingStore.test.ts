import { GetCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Finding } from "@vigil/core";
import { createFindingStore, type FindingStore, InvalidRequestError, StoreError } from "@vigil/store-dynamodb";
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

describe("Class: FindingStore", () => {
  describe("Method: putFindings / getFinding", () => {
    it("round-trips a finding exactly, optional fields and nested details included, with no internal attributes", async () => {
      // Prepare
      const store = await freshStore(dynalite);
      const full = makeFinding(1, {
        eventIds: ["e-1", "e-2", "e-3"],
        sourceIPAddress: "203.0.113.7",
        references: [
          { framework: "CIS AWS Foundations Benchmark v3.0.0", id: "1.7", title: "Eliminate use of the root user" },
          { framework: "MITRE ATT&CK", id: "T1078.004", title: "Valid Accounts: Cloud Accounts" },
        ],
        details: { count: 7, ratio: 0.25, negative: -3, ok: true, none: null, empty: "", list: [1, "two", { three: 3 }], nested: { deep: { deeper: ["é", "✓"] } }, emptyList: [], emptyMap: {} },
      });
      const minimal = makeFinding(2);
      delete minimal.eventTime;
      const blankKeys = makeFinding(3, { principal: "", resource: "" });

      // Act
      await store.writer.putFindings([full, minimal, blankKeys]);

      // Assess
      expect(await store.reader.getFinding(full.id)).toStrictEqual(full);
      expect(await store.reader.getFinding(minimal.id)).toStrictEqual(minimal);
      expect(await store.reader.getFinding(blankKeys.id)).toStrictEqual(blankKeys);
      expect(await store.reader.getFinding("no-such-finding")).toBeUndefined();
    });

    it("creates a finding once: a second put of the same findings reports them as existing", async () => {
      const store = await freshStore(dynalite);
      const findings = [1, 2, 3].map((n) => makeFinding(n));

      const first = await store.writer.putFindings(findings);
      const second = await store.writer.putFindings(findings);

      expect(first).toEqual({ created: findings, existing: [] });
      expect(second).toEqual({ created: [], existing: findings.map((f) => f.id) });
    });

    it("creates a finding repeated within one batch once, and lists the repeat as existing", async () => {
      const store = await freshStore(dynalite);
      const finding = makeFinding(1);
      const copy = { ...makeFinding(1), detectedAt: "2026-12-01T00:00:00.000Z" };

      const result = await store.writer.putFindings([finding, makeFinding(2), copy]);

      expect(result.created.map((f) => f.id)).toEqual([finding.id, makeFinding(2).id]);
      expect(result.existing).toEqual([finding.id]);
      expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
    });

    it("never resets a finding whose status was changed in the table", async () => {
      const store = await freshStore(dynalite);
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);
      await store.triage.setStatus(finding.id, "acknowledged");
      // Another writer (the API, say) edits the item directly.
      await dynalite.client.send(new UpdateCommand({ TableName: store.table.name, Key: { id: finding.id }, UpdateExpression: "SET summary = :s", ExpressionAttributeValues: { ":s": "edited" } }));

      const result = await store.writer.putFindings([finding]);

      expect(result).toEqual({ created: [], existing: [finding.id] });
      expect(await store.reader.getFinding(finding.id)).toStrictEqual({ ...finding, status: "acknowledged", summary: "edited" });
    });

    it("creates each finding once when overlapping batches are put concurrently", async () => {
      // Prepare: six writers, each with 300 of 600 findings, every finding in three batches.
      const store = await freshStore(dynalite);
      const pool = Array.from({ length: 600 }, (_, n) => makeFinding(n));
      const batches = Array.from({ length: 6 }, (_, w) => pool.filter((_, n) => (n + w) % 2 === 0 || (n % 3 === w % 3 && n % 2 === 1)));
      const writers = batches.map(() => createFindingStore({ client: dynalite.client, tableName: store.table.name }));

      // Act
      const results = await Promise.all(batches.map((batch, w) => writers[w]!.writer.putFindings(batch)));

      // Assess
      const created = results.flatMap((result) => result.created.map((f) => f.id));
      expect(new Set(created).size).toBe(created.length);
      expect(new Set(created)).toEqual(new Set(pool.map((f) => f.id)));
      results.forEach((result, w) => expect(result.created.length + result.existing.length).toBe(batches[w]!.length));
      expect(results.reduce((sum, result) => sum + result.existing.length, 0)).toBe(batches.flat().length - pool.length);
    });

    it("wraps a failure of DynamoDB in a StoreError that keeps the cause", async () => {
      const store = createFindingStore({ client: dynalite.client, tableName: "no-such-table" });

      const failure = await store.writer.putFindings([makeFinding(1)]).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as StoreError).message).toMatch(/table no-such-table does not exist/);
      expect((failure as StoreError).cause).toBeInstanceOf(Error);
    });

    it("refuses a batch holding something that is not a finding, naming the field, and stores none of it", async () => {
      const store = await freshStore(dynalite);
      const good = makeFinding(1);
      const bad = { ...makeFinding(2), severity: "SEVERE" } as unknown as Finding;

      const failure = await store.writer.putFindings([good, bad]).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidRequestError);
      expect(failure).toMatchObject({ parameter: "findings.1.severity" });
      expect((await store.reader.listFindings()).items).toEqual([]);
    });
  });

  describe("Method: setStatus and retention", () => {
    it("moves a finding between statuses and reports an unknown id as undefined", async () => {
      const store = await freshStore(dynalite);
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);

      expect(await store.triage.setStatus(finding.id, "suppressed")).toStrictEqual({ ...finding, status: "suppressed" });
      expect(await store.triage.setStatus("unknown", "resolved")).toBeUndefined();
    });

    it("keeps a resolved finding for the retention, then reads it as gone even though nothing deleted it", async () => {
      // Prepare
      let now = new Date("2026-12-01T00:00:00.000Z");
      const store = await freshStore(dynalite, { resolvedRetentionDays: 30, now: () => now });
      const [kept, resolved] = [makeFinding(1), makeFinding(2)];
      await store.writer.putFindings([kept, resolved]);

      // Act
      await store.triage.setStatus(resolved.id, "resolved");
      const item = await rawItem(store, resolved.id);
      now = new Date("2026-12-30T23:59:00.000Z");
      const withinRetention = await store.reader.getFinding(resolved.id);
      now = new Date("2026-12-31T00:00:00.000Z");

      // Assess
      expect(item?.expiresAt).toBe(Date.parse("2026-12-31T00:00:00.000Z") / 1000);
      expect(withinRetention).toStrictEqual({ ...resolved, status: "resolved" });
      expect(await store.reader.getFinding(resolved.id)).toBeUndefined();
      expect((await store.reader.listFindings()).items.map((f) => f.id)).toEqual([kept.id]);
      expect((await store.reader.listFindings({ status: "resolved" })).items).toEqual([]);
      expect(await store.triage.setStatus(resolved.id, "open")).toBeUndefined();
      expect(await rawItem(store, resolved.id)).toBeDefined();
    });

    it("treats an expired finding as absent when it is put again, as if TTL had deleted it", async () => {
      let now = new Date("2026-12-01T00:00:00.000Z");
      const store = await freshStore(dynalite, { resolvedRetentionDays: 1, now: () => now });
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);
      await store.triage.setStatus(finding.id, "resolved");
      now = new Date("2026-12-05T00:00:00.000Z");

      const result = await store.writer.putFindings([finding]);

      expect(result.created).toEqual([finding]);
      expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
      expect((await rawItem(store, finding.id))?.expiresAt).toBeUndefined();
    });

    it("keeps a resolved finding 90 days when no retention is given, whether resolved later or put resolved", async () => {
      const now = new Date("2026-12-01T00:00:00.000Z");
      const store = await freshStore(dynalite, { now: () => now });
      const [later, atOnce] = [makeFinding(1), makeFinding(2, { status: "resolved" })];
      await store.writer.putFindings([later, atOnce]);

      await store.triage.setStatus(later.id, "resolved");

      const ninetyDays = now.getTime() / 1000 + 90 * 86_400;
      expect((await rawItem(store, later.id))?.expiresAt).toBe(ninetyDays);
      expect((await rawItem(store, atOnce.id))?.expiresAt).toBe(ninetyDays);
    });

    it.each([0, -1, Number.NaN])("refuses a resolvedRetentionDays of %s with a StoreError naming the option", (days) => {
      expect(() => createFindingStore({ client: dynalite.client, tableName: "findings", resolvedRetentionDays: days })).toThrow(/^resolvedRetentionDays: expected a positive number/);
    });

    it("stops the retention clock when a resolved finding is reopened", async () => {
      const store = await freshStore(dynalite);
      const finding = makeFinding(1, { status: "resolved" });
      await store.writer.putFindings([finding]);
      const resolvedItem = await rawItem(store, finding.id);

      await store.triage.setStatus(finding.id, "open");

      expect(resolvedItem?.expiresAt).toEqual(expect.any(Number));
      expect((await rawItem(store, finding.id))?.expiresAt).toBeUndefined();
    });
  });
});

async function rawItem(store: FindingStore, id: string): Promise<Record<string, unknown> | undefined> {
  return (await dynalite.client.send(new GetCommand({ TableName: store.table.name, Key: { id } }))).Item;
}

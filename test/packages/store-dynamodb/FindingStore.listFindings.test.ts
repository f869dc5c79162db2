import { atLeast, type Finding, SEVERITIES, type Severity } from "@vigil/core";
import { type FindingQuery, type FindingStore, InvalidCursorError, InvalidQueryError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding, newestFirst } from "./findingFactory.ts";

const RULES = ["iam-user-created", "root-activity", "access-key-created"];
const PRINCIPALS = ["arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:root", "arn:aws:sts::444455556666:assumed-role/ops/bob"];
const RESOURCES = ["arn:aws:iam::111122223333:user/carol", "arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:user/dave", "*"];
const ACCOUNTS = ["111122223333", "444455556666"];
const STATUSES = ["open", "acknowledged", "suppressed", "resolved"] as const;

/** 60 findings spread over every access pattern, with times in both CloudTrail's and the clock's formats, some without eventTime, some tied. */
function dataset(): Finding[] {
  return Array.from({ length: 60 }, (_, n) => {
    const finding = makeFinding((n * 37) % 60, {
      id: `${RULES[n % 3]}:${String(n).padStart(24, "0")}`,
      ruleId: RULES[n % 3]!,
      severity: SEVERITIES[n % 5]!,
      status: STATUSES[n % 4]!,
      principal: PRINCIPALS[n % 3 === 0 ? 0 : (n % 7) % 3]!,
      resource: RESOURCES[n % 4]!,
      account: ACCOUNTS[n % 2]!,
    });
    if (n % 6 === 2) {
      delete finding.eventTime;
      finding.detectedAt = new Date(Date.parse("2026-11-01T00:30:00Z") + n * 1000).toISOString();
    }
    if (n % 10 === 3) finding.eventTime = makeFinding(10).eventTime; // ties, broken by id
    if (n % 10 === 1) finding.eventTime = new Date(Date.parse(makeFinding(10).eventTime!) + 500).toISOString(); // later in the same second, other format
    return finding;
  });
}

let dynalite: RunningDynalite;
let store: FindingStore;
const findings = dataset();

beforeAll(async () => {
  dynalite = await startDynalite();
  store = await freshStore(dynalite);
  await store.writer.putFindings(findings);
});
afterAll(async () => {
  await dynalite?.close();
});

/** Every page of a query, following cursors. */
async function listAll(target: FindingStore, query: FindingQuery, limit: number): Promise<Finding[][]> {
  const pages: Finding[][] = [];
  let cursor: string | undefined;
  do {
    const page = await target.reader.listFindings({ ...query, limit, ...(cursor ? { cursor } : {}) } as FindingQuery);
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor);
  return pages;
}

const ids = (list: readonly Finding[]) => list.map((finding) => finding.id);

describe("Class: FindingStore", () => {
  describe("Method: listFindings", () => {
    const cases: [string, FindingQuery, (finding: Finding) => boolean][] = [
      ...STATUSES.map((status): [string, FindingQuery, (f: Finding) => boolean] => [`status ${status}`, { status }, (f) => f.status === status]),
      ...RULES.map((ruleId): [string, FindingQuery, (f: Finding) => boolean] => [`rule ${ruleId}`, { ruleId }, (f) => f.ruleId === ruleId]),
      ...PRINCIPALS.map((principal): [string, FindingQuery, (f: Finding) => boolean] => [`principal ${principal}`, { principal }, (f) => f.principal === principal]),
      ...RESOURCES.map((resource): [string, FindingQuery, (f: Finding) => boolean] => [`resource ${resource}`, { resource }, (f) => f.resource === resource]),
      ...ACCOUNTS.map((account): [string, FindingQuery, (f: Finding) => boolean] => [`account ${account}`, { account }, (f) => f.account === account]),
      ...SEVERITIES.map((severity): [string, FindingQuery, (f: Finding) => boolean] => [`severity ${severity} or above`, { severity }, (f) => atLeast(f.severity, severity as Severity)]),
      ["no filter", {}, () => true],
    ];

    it.each(cases)("lists by %s: only matching findings, newest first, across pages", async (_name, query, matches) => {
      const expected = ids(newestFirst(findings.filter(matches)));

      const pages = await listAll(store, query, 7);

      expect(expected.length).toBeGreaterThan(0);
      expect(ids(pages.flat())).toEqual(expected);
      expect(pages.slice(0, -1).every((page) => page.length === 7)).toBe(true);
    });

    it("returns whole findings, as put", async () => {
      const { items } = await store.reader.listFindings({ ruleId: "root-activity", limit: 100 });

      const byId = new Map(findings.map((finding) => [finding.id, finding]));
      expect(items.length).toBe(20);
      for (const item of items) expect(item).toStrictEqual(byId.get(item.id));
    });

    it("follows a status change to the new status's list", async () => {
      const target = await freshStore(dynalite);
      const [first, second] = [makeFinding(1), makeFinding(2)];
      await target.writer.putFindings([first, second]);

      await target.triage.setStatus(first.id, "acknowledged");

      expect(ids((await target.reader.listFindings({ status: "open" })).items)).toEqual([second.id]);
      expect(ids((await target.reader.listFindings({ status: "acknowledged" })).items)).toEqual([first.id]);
    });

    it("pages through 250 findings 50 at a time without repeating or skipping one, and ends without a cursor", async () => {
      // Prepare
      const target = await freshStore(dynalite);
      const many = Array.from({ length: 250 }, (_, n) => makeFinding(n, { severity: n % 2 ? "HIGH" : "CRITICAL", eventTime: makeFinding(Math.floor(n / 3)).eventTime! }));
      await target.writer.putFindings(many);

      for (const query of [{ ruleId: "iam-user-created" }, { severity: "HIGH" }] as FindingQuery[]) {
        // Act
        const pages = await listAll(target, query, 50);

        // Assess
        expect(pages.map((page) => page.length)).toEqual([50, 50, 50, 50, 50]);
        expect(new Set(ids(pages.flat())).size).toBe(250);
        expect(ids(pages.flat())).toEqual(ids(newestFirst(many)));
      }
    });

    it("accepts a different limit on the next page of the same query", async () => {
      const first = await store.reader.listFindings({ account: ACCOUNTS[0]!, limit: 5 });
      const second = await store.reader.listFindings({ account: ACCOUNTS[0]!, limit: 3, cursor: first.cursor! });

      const expected = ids(newestFirst(findings.filter((f) => f.account === ACCOUNTS[0])));
      expect([...ids(first.items), ...ids(second.items)]).toEqual(expected.slice(0, 8));
    });

    it("defaults to 50 findings a page", async () => {
      const page = await store.reader.listFindings();

      expect(page.items.length).toBe(50);
      expect(page.cursor).toBeDefined();
    });

    describe("cursors", () => {
      it("rejects a tampered cursor", async () => {
        const { cursor } = await store.reader.listFindings({ ruleId: RULES[0]!, limit: 2 });
        const [payload, tag] = cursor!.split(".") as [string, string];
        const body = JSON.parse(Buffer.from(payload, "base64url").toString()) as { p: string };
        const forged = Buffer.from(JSON.stringify({ ...body, p: "2020-01-01T00:00:00.000Z#x" })).toString("base64url");

        const attempts = [
          `${forged}.${tag}`,
          `${payload}.${tag.slice(0, -2)}${tag.endsWith("A") ? "BB" : "AA"}`,
          `${payload}x.${tag}`,
          cursor!.slice(0, -1),
          "",
          "not-a-cursor",
          `${cursor}.extra`,
        ];

        for (const attempt of attempts) {
          await expect(store.reader.listFindings({ ruleId: RULES[0]!, cursor: attempt }), attempt).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });

      it("rejects a cursor from a different query", async () => {
        const { cursor } = await store.reader.listFindings({ ruleId: RULES[0]!, limit: 2 });

        for (const other of [{ ruleId: RULES[1]! }, { principal: RULES[0]! }, { severity: "INFO" }, {}] as FindingQuery[]) {
          await expect(store.reader.listFindings({ ...other, cursor: cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
        }
      });

      it("rejects a cursor signed with another secret, or another table's", async () => {
        const signed = await freshStore(dynalite, { cursorSecret: "secret-one" });
        const other = await freshStore(dynalite, { cursorSecret: "secret-two" });
        await signed.writer.putFindings(findings.slice(0, 5));
        await other.writer.putFindings(findings.slice(0, 5));
        const { cursor } = await signed.reader.listFindings({ limit: 2 });

        await expect(signed.reader.listFindings({ limit: 2, cursor: cursor! })).resolves.toMatchObject({ items: expect.any(Array) });
        await expect(other.reader.listFindings({ limit: 2, cursor: cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
        await expect(store.reader.listFindings({ limit: 2, cursor: cursor! })).rejects.toBeInstanceOf(InvalidCursorError);
      });

      it("says nothing about the cursor's content in its message", async () => {
        const error = await store.reader.listFindings({ cursor: "eyJ2IjoxfQ.abc" }).catch((e: unknown) => e);

        expect(error).toBeInstanceOf(InvalidCursorError);
        expect((error as Error).message).toBe("the cursor is not valid for this query; start again without one");
      });
    });

    it.each([
      [{ limit: 0 }],
      [{ limit: 101 }],
      [{ limit: 2.5 }],
      [{ ruleId: "a", since: "yesterday" }],
      [{ ruleId: "" }],
      [{ status: "closed" }],
      [{ severity: "SEVERE" }],
    ])("rejects the invalid query %j with InvalidQueryError", async (query) => {
      await expect(store.reader.listFindings(query as FindingQuery)).rejects.toBeInstanceOf(InvalidQueryError);
    });
  });
});

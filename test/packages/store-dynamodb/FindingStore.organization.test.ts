import type { Finding } from "@vigil/core";
import { type FindingQuery, type FindingStore, InvalidQueryError } from "@vigil/store-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { freshStore, makeFinding, newestFirst } from "./findingFactory.ts";
import { random, seedFindings } from "./seedFindings.ts";

const NOW_MS = Date.parse("2026-12-05T12:00:00.000Z");
const ORG = "o-a1b2c3d4e5";

/** Accounts of an organization: Workloads holds Prod, whose id starts like Workloads' sibling `ou-ab12-workload2`. */
const PLACES = [
  { account: "111111111111", accountName: "management", ouPath: `${ORG}/r-ab12/` },
  { account: "111122223333", accountName: "security", ouPath: `${ORG}/r-ab12/ou-ab12-securit1/` },
  { account: "200000000001", accountName: "workload-1", ouPath: `${ORG}/r-ab12/ou-ab12-workload/` },
  { account: "200000000002", accountName: "prod-1", ouPath: `${ORG}/r-ab12/ou-ab12-workload/ou-ab12-prod0001/` },
  { account: "200000000003", accountName: "other-1", ouPath: `${ORG}/r-ab12/ou-ab12-workload2/` },
  // An account the inventory did not know when its findings were made: no name, no path.
  { account: "555566667777" },
] as const;

let dynalite: RunningDynalite;
let store: FindingStore;
let findings: Finding[];

beforeAll(async () => {
  dynalite = await startDynalite();
  store = await freshStore(dynalite, { now: () => new Date(NOW_MS) });
  const next = random(11);
  findings = Array.from({ length: 600 }, (_, n) => {
    const place = PLACES[Math.floor(next() * PLACES.length)]!;
    return makeFinding(n, { ...place, severity: next() < 0.3 ? "HIGH" : "LOW", status: next() < 0.5 ? "open" : "acknowledged" });
  });
  await seedFindings(dynalite.client, store.table.name, findings, { nowMs: NOW_MS });
}, 60_000);

afterAll(async () => {
  await dynalite?.close();
});

async function listAll(query: FindingQuery): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.reader.listFindings({ ...query, limit: 100, ...(cursor ? { cursor } : {}) });
    ids.push(...page.items.map((finding) => finding.id));
    cursor = page.cursor;
  } while (cursor);
  return ids;
}

const expected = (keep: (finding: Finding) => boolean) => newestFirst(findings.filter(keep)).map((finding) => finding.id);

describe("Class: FindingStore, organization mode", () => {
  describe("Method: listFindings by ou", () => {
    it.each([
      ["an OU: its accounts and those of the OUs under it", "ou-ab12-workload", ["200000000001", "200000000002"]],
      ["an OU deeper down", "ou-ab12-prod0001", ["200000000002"]],
      ["the root: every placed account, the management account in the root included", "r-ab12", ["111111111111", "111122223333", "200000000001", "200000000002", "200000000003"]],
      ["an OU no account sits under", "ou-ab12-sandbox1", []],
    ])("lists the findings under %s", async (_name, ou, accounts) => {
      const listed = await listAll({ ou });

      expect(listed).toEqual(expected((finding) => (accounts as string[]).includes(finding.account)));
    });

    it("combines ou with the other filters", async () => {
      const listed = await listAll({ ou: "ou-ab12-workload", severity: "HIGH", status: "open" });

      expect(listed).toEqual(expected((finding) => ["200000000001", "200000000002"].includes(finding.account) && finding.severity === "HIGH" && finding.status === "open"));
      expect(listed.length).toBeGreaterThan(0);
    });

    it("gives back each finding's account name and OU path", async () => {
      const [finding] = (await store.reader.listFindings({ ou: "ou-ab12-prod0001", limit: 1 })).items;

      expect(finding).toMatchObject({ account: "200000000002", accountName: "prod-1", ouPath: `${ORG}/r-ab12/ou-ab12-workload/ou-ab12-prod0001/` });
    });

    it.each(["o-a1b2c3d4e5", "ou-ab12", "workloads", "ou-ab12-workload/"])("refuses ou=%j, naming the parameter", async (ou) => {
      await expect(store.reader.listFindings({ ou })).rejects.toThrow(InvalidQueryError);
      await expect(store.reader.listFindings({ ou })).rejects.toThrow(/^ou: expected an OU id/);
    });

    it("binds a cursor to the ou: another ou rejects it", async () => {
      const { cursor } = await store.reader.listFindings({ ou: "r-ab12", limit: 5 });

      await expect(store.reader.listFindings({ ou: "ou-ab12-workload", limit: 5, cursor })).rejects.toThrow(/cursor/);
    });
  });

  describe("Method: summarize by account", () => {
    it("counts each account's findings, with the name its findings give it", async () => {
      const summary = await store.reader.summarize({ ruleIds: [] });

      expect(summary.byAccount).toEqual(
        Object.fromEntries(
          PLACES.map((place) => [
            place.account,
            { count: findings.filter((finding) => finding.account === place.account).length, ...("accountName" in place ? { accountName: place.accountName } : {}) },
          ]),
        ),
      );
    });

    it("shows the name of the account's newest finding when the account was renamed", async () => {
      const renamed = await freshStore(dynalite, { now: () => new Date(NOW_MS) });
      await seedFindings(
        dynalite.client,
        renamed.table.name,
        [makeFinding(1, { account: "200000000001", accountName: "old-name" }), makeFinding(3, { account: "200000000001", accountName: "new-name" }), makeFinding(2, { account: "200000000001" })],
        { nowMs: NOW_MS },
      );

      expect((await renamed.reader.summarize({ ruleIds: [] })).byAccount).toEqual({ "200000000001": { count: 3, accountName: "new-name" } });
    });
  });
});

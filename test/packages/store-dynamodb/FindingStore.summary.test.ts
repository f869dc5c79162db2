import { type Finding, FINDING_STATUSES, SEVERITIES } from "@vigil/core";
import { type FindingStore, InvalidRequestError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore } from "./findingFactory.ts";
import { ACCOUNTS, dataset, RULES, seedFindings } from "./seedFindings.ts";

const NOW_MS = Date.parse("2026-11-15T00:00:00.000Z");
const HOUR = 3_600_000;

let dynalite: RunningDynalite;
let store: FindingStore;
let live: Finding[];

beforeAll(async () => {
  dynalite = await startDynalite();
  let nowMs = NOW_MS;
  store = await freshStore(dynalite, { now: () => new Date(nowMs) });
  const all = dataset(3000, 23);
  // 120 resolved findings stored 100 days ago are past their retention: not counted.
  const expired = new Set(all.filter((finding) => finding.status === "resolved").slice(0, 120).map((finding) => finding.id));
  await seedFindings(dynalite.client, store.table.name, all.filter((finding) => !expired.has(finding.id)), { nowMs: NOW_MS });
  await seedFindings(dynalite.client, store.table.name, all.filter((finding) => expired.has(finding.id)), { nowMs: NOW_MS - 100 * 86_400_000 });
  // 60 acknowledged findings suppressed until an hour from now; the clock then moves two hours on: they count as open.
  const ranOut = new Set(all.filter((finding) => finding.status === "acknowledged").slice(0, 60).map((finding) => finding.id));
  for (const id of ranOut) await store.triage.transition(id, { action: "suppress", actor: "seed", reason: "seeding", until: new Date(NOW_MS + HOUR).toISOString() });
  nowMs = NOW_MS + 2 * HOUR;
  live = all.filter((finding) => !expired.has(finding.id)).map((finding) => (ranOut.has(finding.id) ? { ...finding, status: "open" as const } : finding));
}, 120_000);

afterAll(async () => {
  await dynalite?.close();
});

const tally = (keys: readonly string[], of: (finding: Finding) => string) => Object.fromEntries(keys.map((key) => [key, live.filter((finding) => of(finding) === key).length]));

describe("Class: FindingStore", () => {
  describe("Method: summarize (3,000 findings)", () => {
    it("counts the live findings by severity, by status in effect, by each rule asked for (a rule without findings as 0) and by account", async () => {
      const summary = await store.reader.summarize({ ruleIds: [...RULES, "no-such-rule"] });

      expect(summary).toStrictEqual({
        bySeverity: tally(SEVERITIES, (finding) => finding.severity),
        byStatus: tally(FINDING_STATUSES, (finding) => finding.status),
        byRule: { ...tally(RULES, (finding) => finding.ruleId), "no-such-rule": 0 },
        byAccount: Object.fromEntries(Object.entries(tally(ACCOUNTS, (finding) => finding.account)).map(([account, count]) => [account, { count }])),
      });
      expect(Object.values(summary.bySeverity).reduce((a, b) => a + b)).toBe(2880);
      expect(Object.values(summary.byStatus).reduce((a, b) => a + b)).toBe(2880);
    });

    it("counts a rule asked twice once", async () => {
      const summary = await store.reader.summarize({ ruleIds: ["root-activity", "root-activity"] });

      expect(summary.byRule).toEqual({ "root-activity": live.filter((finding) => finding.ruleId === "root-activity").length });
    });

    it("follows triage: a resolved finding moves from open to resolved in the counts", async () => {
      const target = live.find((finding) => finding.status === "open" && finding.ruleId === "cloudtrail-tampering")!;
      const before = await store.reader.summarize({ ruleIds: [] });

      await store.triage.transition(target.id, { action: "resolve", actor: "carol" });
      const after = await store.reader.summarize({ ruleIds: [] });
      await store.triage.transition(target.id, { action: "reopen", actor: "carol" });

      expect(after.byStatus).toEqual({ ...before.byStatus, open: before.byStatus.open - 1, resolved: before.byStatus.resolved + 1 });
      expect(after.bySeverity).toEqual(before.bySeverity);
    });

    it.each<[string, unknown, string]>([
      ["no rule list", {}, "ruleIds"],
      ["a rule id that is not a string", { ruleIds: ["root-activity", 3] }, "ruleIds[1]"],
      ["more rules than it will count", { ruleIds: Array.from({ length: 501 }, (_, n) => `rule-${n}`) }, "ruleIds"],
    ])("refuses %s with InvalidRequestError naming the parameter", async (_name, options, parameter) => {
      const failure = await store.reader.summarize(options as never).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidRequestError);
      expect(failure).toMatchObject({ parameter });
    });
  });
});

import { catalogue, Engine, type Finding, MemoryWindowStore, parseEvent, resolveConfig, type WindowStore } from "@vigil/core";
import { DynamoWindowStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXED_NOW } from "../../../helpers/evaluate.ts";
import { loadFixture, ruleFixtures } from "../../../helpers/fixtures.ts";
import { freshStateTable } from "../../store-dynamodb/findingFactory.ts";

type Record = { eventID: string; eventName: string; requestParameters?: { [key: string]: unknown } | null };
const recordsOf = (file: string) => loadFixture<{ Records: Record[] }>(file).Records;

const RULE = "admin-backdoor-sequence";
const STEP_NAMES = catalogue.find((rule) => rule.meta.id === RULE)?.selectors[0]?.eventNames ?? [];
/** CreateUser, CreateAccessKey, AttachUserPolicy AdministratorAccess on support-backup. */
const SEQUENCE = recordsOf(`rules/${RULE}/positive-admin-user-with-key.json`);
const [CREATE, KEY, ATTACH] = SEQUENCE as [Record, Record, Record];
const TARGET = "arn:aws:iam::111122223333:user/support-backup";

/** The same kinds of step on other users, never completed: they share the rule's selectors and the store. */
const DECOYS: Record[] = [0, 1, 2].flatMap((n) =>
  [CREATE, KEY].map((record) => {
    const copy = structuredClone(record);
    copy.eventID = `${record.eventID.slice(0, -4)}d${n}${record.eventName.length % 10}0`;
    (copy.requestParameters as { userName: string }).userName = `decoy-${n}`;
    return copy;
  }),
);
/** Other rules' records, none of them a step of this rule. */
const OTHERS: Record[] = catalogue
  .filter((rule) => rule.meta.id !== RULE && rule.meta.id !== "iam-enumeration")
  .flatMap((rule) => ruleFixtures(rule.meta.id).positive)
  .flatMap((file) => {
    const value = loadFixture<{ Records?: Record[]; detail?: Record }>(file);
    return value.Records ?? (value.detail ? [value.detail] : []);
  })
  .filter((record) => !STEP_NAMES.includes(record.eventName));

const config = resolveConfig({}, catalogue);

/** Each batch is one Lambda invocation: its own engine, on the store all invocations share. */
async function invoke(store: WindowStore, batch: readonly Record[]): Promise<Finding[]> {
  const engine = new Engine({ rules: catalogue, config, windows: store, now: () => FIXED_NOW });
  const findings: Finding[] = [];
  for (const record of batch) findings.push(...(await engine.evaluate(parseEvent(record))).findings.filter((finding) => finding.ruleId === RULE));
  return findings;
}

/** A delivery: the steps, decoys and other events interleaved in any order, some delivered twice, cut into batches. */
const delivery = (steps: readonly Record[]) =>
  fc
    .tuple(
      fc.shuffledSubarray(OTHERS, { minLength: 0, maxLength: 12 }),
      fc.shuffledSubarray(DECOYS),
      fc.array(fc.nat(steps.length - 1), { maxLength: 3 }),
      fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
      fc.array(fc.nat(), { maxLength: 4 }),
    )
    .map(([others, decoys, again, order, cuts]) => {
      const all = [...steps, ...others, ...decoys, ...again.map((index) => steps[index] as Record)];
      const keyed = all.map((record) => ({ record, sort: order.next().value as number }));
      const events = keyed.sort((a, b) => a.sort - b.sort).map((entry) => entry.record);
      const bounds = [...new Set(cuts.map((cut) => cut % (events.length + 1)))].sort((a, b) => a - b);
      return [0, ...bounds, events.length].slice(1).map((end, index, ends) => events.slice(index === 0 ? 0 : ends[index - 1], end)).filter((batch) => batch.length > 0);
    });

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

describe("Properties: sequence rules", () => {
  it("report a complete sequence exactly once, naming its steps, however interleaved, redelivered and split across invocations (CLI store)", async () => {
    await fc.assert(
      fc.asyncProperty(delivery(SEQUENCE), async (batches) => {
        const store = new MemoryWindowStore();
        const findings: Finding[] = [];
        for (const batch of batches) findings.push(...(await invoke(store, batch)));

        const ids = new Set(findings.map((finding) => finding.id));
        expect(ids.size).toBe(1);
        expect(findings.every((finding) => finding.resource === TARGET)).toBe(true);
        expect(findings[0]?.eventIds).toEqual(expect.arrayContaining([CREATE.eventID, ATTACH.eventID]));
      }),
      { numRuns: 150 },
    );
  });

  it("hold the same with the deployed store, invocations running at the same time", async () => {
    await fc.assert(
      fc.asyncProperty(delivery(SEQUENCE), async (batches) => {
        const tableName = await freshStateTable(dynalite);
        const results = await Promise.all(batches.map((batch) => invoke(new DynamoWindowStore({ client: dynalite.client, tableName }), batch)));

        const findings = results.flat();
        expect(new Set(findings.map((finding) => finding.id)).size).toBe(1);
        expect(findings[0]?.eventIds).toEqual(expect.arrayContaining([CREATE.eventID, ATTACH.eventID]));
      }),
      { numRuns: 20 },
    );
  });

  it("never report a sequence missing a required step, whatever else arrives", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom([CREATE, KEY], [KEY, ATTACH]), fc.nat(), async (steps, seed) => {
        const batches = fc.sample(delivery(steps), { numRuns: 1, seed })[0] ?? [];
        const store = new MemoryWindowStore();
        const findings: Finding[] = [];
        for (const batch of batches) findings.push(...(await invoke(store, batch)));

        expect(findings).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});

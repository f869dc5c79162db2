import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { main } from "@vigil/cli";
import { type Finding, findingSchema } from "@vigil/core";
import { createFindingStore, type FindingSummary } from "@vigil/store-dynamodb";
import { ensureFindingsTable, startDynalite } from "@vigil/store-dynamodb/local";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";
import { captureIo } from "../../helpers/io.ts";

/**
 * `vigil scan` SIGKILLed while it writes (the OOM killer, a closed CI job, kill -9): the next run
 * must open the store, find every finding whole and every count true, and converge to what a run
 * never killed stores. The input is the rules' positive fixtures copied under fresh eventIDs,
 * enough for a few batches of writes (EventScan stores 200 findings at a time).
 */

const BIN = join(REPO, "packages", "cli", "bin", "vigil.js");
const TABLE = "vigil-findings";
const COPIES = 6;

type Item = Record<string, unknown> & { id: string };

/** The positive records of every rule (log files and bare records), COPIES times, each copy one log file with its own eventIDs. */
function writeInput(directory: string): void {
  const records: Record<string, unknown>[] = [];
  for (const rule of readdirSync(join(FIXTURES, "rules"))) {
    for (const file of readdirSync(join(FIXTURES, "rules", rule)).filter((name) => name.startsWith("positive-"))) {
      const json = JSON.parse(readFileSync(join(FIXTURES, "rules", rule, file), "utf8")) as { Records?: Record<string, unknown>[]; detail?: unknown };
      if (Array.isArray(json.Records)) records.push(...json.Records);
      else if (json.detail === undefined) records.push(json as Record<string, unknown>);
    }
  }
  mkdirSync(directory, { recursive: true });
  for (let copy = 0; copy < COPIES; copy++) {
    const copied = records.filter((record) => record.eventSource).map((record, index) => ({ ...record, eventID: `copy-${copy}-${index}-${String(record.eventID)}` }));
    writeFileSync(join(directory, `copy-${copy}.json`), JSON.stringify({ Records: copied }));
  }
}

/**
 * Runs `vigil scan` on the store and SIGKILLs it `delayMs` after its JSON output holds `findings`
 * findings: with the store written 200 at a time while the scan waits, that lands inside a batch.
 */
function scanKilled(input: string, store: string, findings: number, delayMs: number): Promise<NodeJS.Signals | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "scan", input, "--store", store, "--format", "json"], { env: { ...process.env, NO_COLOR: "1" } });
    let printed = 0;
    let armed = false;
    child.stdout.on("data", (chunk: Buffer) => {
      printed += chunk.toString().split('"ruleId":').length - 1;
      if (armed || printed < findings) return;
      armed = true;
      setTimeout(() => child.kill("SIGKILL"), delayMs);
    });
    child.on("error", reject);
    child.on("close", (_code, signal) => resolve(signal));
  });
}

/** What the store holds, read as the CLI opens it, after checking it is whole: every finding complete, every index and count agreeing with the items. */
async function readStore(store: string): Promise<Map<string, Finding>> {
  const dynalite = await startDynalite({ path: join(store, "dynamodb") });
  try {
    await ensureFindingsTable(dynalite.client, TABLE);
    const findings = createFindingStore({ client: dynalite.client, tableName: TABLE });
    const scan = async (indexName?: string) => {
      const items: Item[] = [];
      let startKey: Record<string, unknown> | undefined;
      do {
        const page = await dynalite.client.send(new ScanCommand({ TableName: TABLE, ...(indexName ? { IndexName: indexName } : {}), ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
        items.push(...((page.Items ?? []) as Item[]));
        startKey = page.LastEvaluatedKey;
      } while (startKey);
      return items;
    };
    const items = new Map((await scan()).map((item) => [item.id, item]));

    // Every index holds exactly the items it should, each as it is stored: nothing listed or counted that is not stored, nothing stale.
    const indexes = { byStatus: "pkStatus", bySeverity: "pkSeverity", byRule: "pkRule", byPrincipal: "pkPrincipal", byResource: "pkResource", byAccount: "pkAccount", byPendingNotification: "pkPendingNotification" };
    for (const [indexName, key] of Object.entries(indexes)) {
      const entries = await scan(indexName);
      expect(entries.map((entry) => entry.id).sort(), indexName).toEqual([...items.values()].filter((item) => item[key] !== undefined).map((item) => item.id).sort());
      for (const entry of entries) expect(entry, `${indexName} ${entry.id}`).toStrictEqual(items.get(entry.id));
    }

    // Every finding listed is whole (core's schema, and the creation in its history the writer always sets) and stored.
    const listed = new Map<string, Finding>();
    let cursor: string | undefined;
    do {
      const page = await findings.reader.listFindings({ limit: 100, ...(cursor ? { cursor } : {}) });
      for (const finding of page.items) listed.set(finding.id, finding);
      cursor = page.cursor;
    } while (cursor);
    expect([...listed.keys()].sort()).toEqual([...items.keys()].sort());
    for (const finding of listed.values()) expect(findingSchema.safeParse(finding).success, finding.id).toBe(true);
    for (const item of items.values()) expect((item.statusHistory as { action: string }[])[0]?.action, item.id).toBe("create");

    // The counts agree with a recount of the listing.
    const ruleIds = [...new Set([...listed.values()].map((finding) => finding.ruleId))];
    const summary = await findings.reader.summarize({ ruleIds });
    expect(summary).toMatchObject(recount([...listed.values()]));
    return listed;
  } finally {
    await dynalite.close();
  }
}

function recount(findings: readonly Finding[]): Pick<FindingSummary, "bySeverity" | "byStatus" | "byRule"> {
  const tally = (key: (finding: Finding) => string) => findings.reduce<Record<string, number>>((counts, finding) => ({ ...counts, [key(finding)]: (counts[key(finding)] ?? 0) + 1 }), {});
  return {
    bySeverity: { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0, ...tally((finding) => finding.severity) },
    byStatus: { open: 0, acknowledged: 0, suppressed: 0, resolved: 0, ...tally((finding) => finding.status) },
    byRule: tally((finding) => finding.ruleId),
  };
}

/** A finding as any run makes it: all but the instant this run detected it. */
function comparable(finding: Finding): Omit<Finding, "detectedAt"> {
  const { detectedAt: _detectedAt, ...rest } = finding;
  return rest;
}

describe("CLI: vigil scan killed mid-run", () => {
  const input = join(tempDir(), "input");
  let reference: Finding[];

  beforeAll(async () => {
    writeInput(input);
    const never = await runCli(["scan", input, "--store", "memory", "--format", "json"]);
    expect(never.code).toBe(0);
    reference = JSON.parse(never.stdout) as Finding[];
    expect(reference.length).toBeGreaterThan(450);
  }, 30_000);

  it("leaves a store the next run opens whole and counted right, and running the scan again stores what a run never killed does", async () => {
    const store = tempDir();
    // Inside the first batch's writes; then, on the store that left, inside the second's.
    for (const [findings, delayMs] of [
      [200, 300],
      [400, 100],
    ] as const) {
      expect(await scanKilled(input, store, findings, delayMs)).toBe("SIGKILL");
      await readStore(store);
    }

    const rerun = await runCli(["scan", input, "--store", store, "--format", "json"]);
    const { io, out } = captureIo();
    const summaryCode = await main(["findings", "summary", "--store", store, "--format", "json"], io);

    expect(rerun.code).toBe(0);
    const stored = await readStore(store);
    const byId = (findings: Iterable<Finding>) => new Map([...findings].map((finding) => [finding.id, comparable(finding)]));
    expect(byId(stored.values())).toEqual(byId(reference));
    expect(byId(JSON.parse(rerun.stdout) as Finding[])).toEqual(byId(reference));
    expect(summaryCode).toBe(0);
    expect(JSON.parse(out.stdout)).toMatchObject({ bySeverity: recount(reference).bySeverity, byStatus: recount(reference).byStatus });
  }, 60_000);
});

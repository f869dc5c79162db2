/**
 * Latency of filtered list queries beside a get-by-id baseline, on findings in on-disk dynalite.
 *   npx tsx packages/store-dynamodb/bench/listQueries.ts [count=100000] [samples=250] [limit=50]
 * Seeds `count` findings (BatchWriteItem of the store's own items, 16 calls in flight), then runs,
 * one at a time and interleaved, `samples` first pages of each kind of list (status; severity
 * minimum; rule + since; principal + status) and 4 x `samples` gets by id. Prints p50/p99 of each
 * and PASS or FAIL for "filtered list p99 within 5x of get-by-id p99"; the exit code is 0 either way.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BatchWriteCommand } from "@aws-sdk/lib-dynamodb";
import { type Finding, type FindingStatus, SEVERITIES, type Severity } from "@vigil/core";
import { newFindingItem } from "../src/findingItem.ts";
import { type FindingQuery, FindingStore } from "../src/index.ts";
import { ensureFindingsTable, startDynalite } from "../src/local/index.ts";

const [count = 100_000, samples = 250, limit = 50] = process.argv.slice(2).map(Number);
const TABLE = "vigil-findings";
const NOW_MS = Date.parse("2026-12-01T00:00:00.000Z");
const SPAN_MS = 90 * 86_400_000;
const IN_FLIGHT = 16;

let seed = 42;
function next(): number {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
}
/** Index into `weights`, drawn in proportion to them. */
function weighted(weights: readonly number[]): number {
  let draw = next() * weights.reduce((a, b) => a + b);
  for (let index = 0; index < weights.length; index++) if ((draw -= weights[index]!) < 0) return index;
  return weights.length - 1;
}
/** A few values take most findings, as rules and principals do. */
const zipf = (size: number) => Array.from({ length: size }, (_, rank) => 1 / (rank + 1));

const RULES = Array.from({ length: 20 }, (_, n) => `rule-${n}`);
const PRINCIPALS = Array.from({ length: 500 }, (_, n) => `arn:aws:iam::111122223333:user/person-${n}`);
const ACCOUNTS = Array.from({ length: 20 }, (_, n) => String(100000000000 + n * 1111));
const STATUSES: readonly FindingStatus[] = ["open", "acknowledged", "suppressed", "resolved"];
const SEVERITY_WEIGHTS = [3, 12, 35, 30, 20];
const STATUS_WEIGHTS = [45, 15, 10, 30];
const RULE_WEIGHTS = zipf(RULES.length);
const PRINCIPAL_WEIGHTS = zipf(PRINCIPALS.length);

function finding(n: number): Finding {
  const ms = NOW_MS - Math.floor(next() * SPAN_MS);
  const ruleId = RULES[weighted(RULE_WEIGHTS)]!;
  return {
    id: `${ruleId}:${n.toString(16).padStart(24, "0")}`,
    ruleId,
    title: "IAM user created",
    severity: SEVERITIES[weighted(SEVERITY_WEIGHTS)]!,
    status: STATUSES[weighted(STATUS_WEIGHTS)]!,
    eventId: `7d2c9c1e-${n}`,
    eventName: "CreateUser",
    eventSource: "iam.amazonaws.com",
    eventTime: new Date(ms).toISOString().replace(".000Z", "Z"),
    account: ACCOUNTS[Math.floor(next() * ACCOUNTS.length)]!,
    region: "us-east-1",
    principal: PRINCIPALS[weighted(PRINCIPAL_WEIGHTS)]!,
    resource: `arn:aws:iam::111122223333:user/new-${Math.floor(next() * 20_000)}`,
    sourceIPAddress: "203.0.113.7",
    summary: `A principal created user new-${n}.`,
    description: "A new IAM user is a new long-lived identity that should be expected and owned.",
    remediation: "Confirm the user is expected; prefer roles with temporary credentials.",
    references: [{ framework: "CIS AWS Foundations Benchmark v3.0.0", id: "1.16", title: "Ensure IAM policies are attached only to groups or roles" }],
    detectedAt: new Date(ms + 60_000).toISOString(),
    details: { userName: `new-${n}`, path: "/" },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const directory = await mkdtemp(join(tmpdir(), "vigil-bench-"));
const dynalite = await startDynalite({ path: join(directory, "dynamodb") });
try {
  await ensureFindingsTable(dynalite.client, TABLE);
  const store = new FindingStore({ client: dynalite.client, tableName: TABLE, now: () => new Date(NOW_MS), cursorSecret: "bench" });
  const findings = Array.from({ length: count }, (_, n) => finding(n));

  // Seeding: 25 items a BatchWriteItem, IN_FLIGHT at once.
  const seeding = performance.now();
  let nextBatch = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      for (let start = nextBatch++ * 25; start < findings.length; start = nextBatch++ * 25) {
        let requests = findings.slice(start, start + 25).map((f) => ({ PutRequest: { Item: newFindingItem(f, { nowMs: NOW_MS, retentionSeconds: 90 * 86_400 }) } }));
        while (requests.length > 0) {
          const output = await dynalite.client.send(new BatchWriteCommand({ RequestItems: { [TABLE]: requests } }));
          requests = (output.UnprocessedItems?.[TABLE] ?? []) as typeof requests;
        }
      }
    }),
  );
  const seedSeconds = (performance.now() - seeding) / 1000;
  console.log(`seeded ${count} findings in ${seedSeconds.toFixed(1)} s (${Math.round(count / seedSeconds)}/s, ${IN_FLIGHT} BatchWriteItem calls of 25 in flight)`);

  const kinds: Record<string, () => FindingQuery> = {
    status: () => ({ status: STATUSES[Math.floor(next() * STATUSES.length)]! }),
    "severity minimum": () => ({ severity: SEVERITIES[Math.floor(next() * SEVERITIES.length)] as Severity }),
    "rule + since": () => ({ ruleId: RULES[weighted(RULE_WEIGHTS)]!, since: new Date(NOW_MS - Math.floor(next() * 30 * 86_400_000)).toISOString() }),
    "principal + status": () => ({ principal: findings[Math.floor(next() * count)]!.principal, status: STATUSES[Math.floor(next() * STATUSES.length)]! }),
  };
  const timings: Record<string, number[]> = { "get-by-id": [], ...Object.fromEntries(Object.keys(kinds).map((kind) => [kind, []])) };
  const returned: Record<string, number> = {};
  const time = async (label: string, call: () => Promise<unknown>) => {
    const started = performance.now();
    await call();
    timings[label]!.push(performance.now() - started);
  };

  // Warm-up (JIT, LevelDB caches), not measured.
  for (let n = 0; n < 50; n++) {
    await store.getFinding(findings[Math.floor(next() * count)]!.id);
    for (const make of Object.values(kinds)) await store.listFindings({ ...make(), limit });
  }
  for (const list of Object.values(timings)) list.length = 0;

  for (let n = 0; n < samples; n++) {
    for (const [kind, make] of Object.entries(kinds)) {
      await time("get-by-id", () => store.getFinding(findings[Math.floor(next() * count)]!.id));
      const query = make();
      await time(kind, async () => {
        returned[kind] = (returned[kind] ?? 0) + (await store.listFindings({ ...query, limit })).items.length;
      });
    }
  }

  const row = (label: string, values: number[], items?: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    console.log(`${label.padEnd(22)} ${percentile(sorted, 50).toFixed(2).padStart(8)} ${percentile(sorted, 99).toFixed(2).padStart(8)} ${mean.toFixed(2).padStart(8)}  ${items === undefined ? "" : (items / values.length).toFixed(1)}`);
    return percentile(sorted, 99);
  };
  console.log(`\n${count} findings, ${samples} first pages of each list (limit ${limit}), ${samples * 4} gets; milliseconds`);
  console.log(`${"".padEnd(22)} ${"p50".padStart(8)} ${"p99".padStart(8)} ${"mean".padStart(8)}  items/page`);
  const getP99 = row("get-by-id", timings["get-by-id"]!);
  for (const kind of Object.keys(kinds)) row(kind, timings[kind]!, returned[kind]);
  const lists = Object.keys(kinds).flatMap((kind) => timings[kind]!);
  const listP99 = row("filtered list (all)", lists, Object.values(returned).reduce((a, b) => a + b, 0));
  const ratio = listP99 / getP99;
  console.log(`\n${ratio <= 5 ? "PASS" : "FAIL"}: filtered list p99 ${listP99.toFixed(2)} ms is ${ratio.toFixed(1)}x get-by-id p99 ${getP99.toFixed(2)} ms (target: within 5x)`);

  const summaryStarted = performance.now();
  await store.summarize({ ruleIds: RULES });
  console.log(`summarize (COUNT of 5 severities, 5 status counts, ${RULES.length} rules): ${((performance.now() - summaryStarted) / 1000).toFixed(2)} s`);
} finally {
  await dynalite.close();
  await rm(directory, { recursive: true, force: true });
}

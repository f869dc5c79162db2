/**
 * The findings API on a large table: p50 and p99 of filtered GET /findings pages beside the
 * GET /findings/{id} baseline, both through the API's router over in-memory dynalite, in the same
 * run, so validation, the store's queries and the JSON responses are all in the figures.
 *   npm run bench:api -- [--count 100000] [--samples 250]
 * Prints PASS/FAIL against the target, writes bench/.data/api-results.json, and exits 0 whatever
 * the figures: a benchmark reports, it does not gate.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type ApiRequest, type ApiResponse, createRouter } from "@vigil/api";
import { catalogue, FINDING_STATUSES, postureChecks, resolveConfig, SEVERITIES } from "@vigil/core";
import { createFindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, startDynalite } from "@vigil/store-dynamodb/local";
import { percentile, round } from "../handler/stats.ts";
import { Prng } from "../scan/Prng.ts";
import { positiveInteger } from "../scan/options.ts";
import { generateFindings, NOW_MS } from "./findings.ts";
import { seedFindings } from "./seed.ts";

/** A filtered page's p99 may be at most this many times a get by id's p99. */
const LIST_TARGET_RATIO = 5;
/** The API's default page. */
const LIMIT = 50;
/** BatchWriteItem calls of 25 in flight while seeding; more gains nothing against one dynalite. */
const IN_FLIGHT = 16;
const WARM_UP_ROUNDS = 50;
const TABLE = "vigil-bench-findings";
const GET = "get-by-id";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS = join(ROOT, "bench/.data/api-results.json");

const { values } = parseArgs({ options: { count: { type: "string", default: "100000" }, samples: { type: "string", default: "250" } } });
const count = positiveInteger(values.count, "--count");
const samples = positiveInteger(values.samples, "--samples");
const n = (value: number) => value.toLocaleString("en-US");

// The SDK warns once per process on Node < 22 (Lambda runs 22): noise in this process's dynalite client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
console.log(`API benchmark: Node ${process.versions.node}, ${cpus().length} cores (load ${loadavg()[0]?.toFixed(1)})`);

const findings = generateFindings(count);
const distinct = (field: "ruleId" | "account" | "principal") => n(new Set(findings.map((finding) => finding[field])).size);
const tally = (field: "status" | "severity", names: readonly string[]) =>
  names.map((value) => `${value} ${n(findings.filter((finding) => finding[field] === value).length)}`).join(", ");
console.log(`${n(count)} findings over 90 days: ${distinct("ruleId")} rules and checks, ${distinct("account")} accounts, ${distinct("principal")} principals`);
console.log(`  ${tally("status", FINDING_STATUSES)}; ${tally("severity", SEVERITIES)}`);

const dynalite = await startDynalite();
try {
  await ensureFindingsTable(dynalite.client, TABLE);
  const seedSeconds = await seedFindings(dynalite.client, TABLE, findings, { nowMs: NOW_MS, inFlight: IN_FLIGHT });
  console.log(`seeded in ${seedSeconds.toFixed(1)} s (${n(Math.round(count / seedSeconds))} findings/s, ${IN_FLIGHT} BatchWriteItem calls of 25 in flight)`);

  const store = createFindingStore({ client: dynalite.client, tableName: TABLE, cursorSecret: "bench", now: () => new Date(NOW_MS) });
  const router = createRouter({ store, rules: { catalogue, checks: postureChecks, config: resolveConfig({}, catalogue) } });
  const random = new Prng(11);
  const anyFinding = () => findings[random.int(findings.length)]!;

  // What a console and a script ask most: one list of each kind a round, values drawn as the data holds them.
  const kinds: Record<string, () => Record<string, string>> = {
    status: () => ({ status: random.pick(FINDING_STATUSES) }),
    "severity minimum": () => ({ severity: random.pick(SEVERITIES) }),
    "rule + since": () => ({ ruleId: anyFinding().ruleId, since: new Date(NOW_MS - random.int(30 * 86_400_000)).toISOString() }),
    "principal + status": () => ({ principal: anyFinding().principal, status: random.pick(FINDING_STATUSES) }),
    "account + severity": () => ({ account: anyFinding().account, severity: random.pick(SEVERITIES) }),
  };
  const labels = [GET, ...Object.keys(kinds)];
  const timings = new Map(labels.map((label) => [label, [] as number[]]));
  const items = new Map(labels.map((label) => [label, 0]));
  const bytes = new Map(labels.map((label) => [label, 0]));
  const failures = new Map<string, { count: number; first: string }>();
  const fail = (label: string, response: ApiResponse) => {
    const failure = failures.get(label) ?? { count: 0, first: `${response.statusCode} ${response.body}` };
    failures.set(label, { ...failure, count: failure.count + 1 });
  };
  let requests = 0;
  const request = (path: string, query: Record<string, string> = {}): ApiRequest => ({ method: "GET", path, query, headers: {}, actor: "bench", requestId: `bench-${++requests}` });

  const call = async (label: string, apiRequest: ApiRequest, measured: boolean) => {
    const started = performance.now();
    const response = await router.handle(apiRequest);
    const ms = performance.now() - started;
    if (response.statusCode !== 200) fail(label, response);
    if (!measured) return;
    timings.get(label)!.push(ms);
    bytes.set(label, bytes.get(label)! + Buffer.byteLength(response.body));
    if (label !== GET && response.statusCode === 200) items.set(label, items.get(label)! + (JSON.parse(response.body) as { items: unknown[] }).items.length);
  };
  const runRound = async (measured: boolean) => {
    const order = Object.keys(kinds);
    for (let index = order.length - 1; index > 0; index--) {
      const other = random.int(index + 1);
      [order[index], order[other]] = [order[other]!, order[index]!];
    }
    for (const kind of order) {
      await call(GET, request(`/findings/${encodeURIComponent(anyFinding().id)}`), measured);
      await call(kind, request("/findings", { ...kinds[kind]!(), limit: String(LIMIT) }), measured);
    }
  };

  // JIT, lazy setup and the first reads of each partition, untimed.
  for (let index = 0; index < WARM_UP_ROUNDS; index++) await runRound(false);
  console.log(`warmed up (${WARM_UP_ROUNDS} rounds), then ${samples} rounds, each a get by id before every kind of list, in random order`);
  for (let index = 0; index < samples; index++) await runRound(true);

  const summaryStarted = performance.now();
  const summary = await router.handle(request("/summary"));
  const summarySeconds = (performance.now() - summaryStarted) / 1000;
  if (summary.statusCode !== 200) fail("summary", summary);
  const summarised = summary.statusCode === 200 ? Object.values((JSON.parse(summary.body) as { byStatus: Record<string, number> }).byStatus).reduce((a, b) => a + b, 0) : Number.NaN;

  const stats = (of: readonly string[]) => {
    const values = of.flatMap((label) => timings.get(label)!);
    const total = (counts: Map<string, number>) => of.reduce((sum, label) => sum + counts.get(label)!, 0);
    return {
      samples: values.length,
      p50Ms: round(percentile(values, 50), 2),
      p99Ms: round(percentile(values, 99), 2),
      meanMs: round(values.reduce((a, b) => a + b, 0) / values.length, 2),
      ...(of.includes(GET) ? {} : { itemsPerPage: round(total(items) / values.length, 1) }),
      bytesPerResponse: Math.round(total(bytes) / values.length),
    };
  };
  const byKind = Object.fromEntries(labels.map((label) => [label, stats([label])]));
  const filtered = stats(Object.keys(kinds));
  const ratio = round(filtered.p99Ms / byKind[GET]!.p99Ms, 2);
  const pass = ratio <= LIST_TARGET_RATIO;

  console.log(`\nAPI benchmark: ${n(count)} findings, limit ${LIMIT}; milliseconds through createRouter().handle; ${cpus().length} cores, load ${loadavg()[0]?.toFixed(1)}`);
  console.log(`${"".padEnd(24)}${["p50", "p99", "mean", "requests", "items/page", "bytes"].map((heading) => heading.padStart(11)).join("")}`);
  const line = (label: string, figures: ReturnType<typeof stats>) =>
    console.log(
      `${label.padEnd(24)}${[figures.p50Ms.toFixed(2), figures.p99Ms.toFixed(2), figures.meanMs.toFixed(2), n(figures.samples), figures.itemsPerPage?.toFixed(1) ?? "", n(figures.bytesPerResponse)].map((cell) => cell.padStart(11)).join("")}`,
    );
  line("GET /findings/{id}", byKind[GET]!);
  for (const kind of Object.keys(kinds)) line(`  ${kind}`, byKind[kind]!);
  line("GET /findings (all)", filtered);
  console.log(`\nfiltered list p99 / get-by-id p99 = ${ratio.toFixed(2)}   (target <= ${LIST_TARGET_RATIO.toFixed(2)})   ${pass ? "PASS" : "FAIL"}`);
  console.log(`GET /summary (${catalogue.length + postureChecks.length} rules and checks): ${summarySeconds.toFixed(2)} s, once (no target)`);
  for (const [label, failure] of failures) console.log(`  WARNING: ${failure.count} ${label} requests did not answer 200; the first: ${failure.first.slice(0, 300)}`);
  if (summary.statusCode === 200 && summarised !== count) console.log(`  WARNING: GET /summary counts ${summarised} findings by status, ${count} were seeded`);

  await mkdir(join(ROOT, "bench/.data"), { recursive: true });
  const results = {
    measuredAt: new Date().toISOString(),
    machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node, load1: loadavg()[0] ?? null },
    count,
    samples,
    limit: LIMIT,
    seeding: { seconds: round(seedSeconds, 2), findingsPerSecond: Math.round(count / seedSeconds), inFlight: IN_FLIGHT },
    getById: { ...byKind[GET], ms: timings.get(GET)!.map((ms) => round(ms, 2)) },
    lists: Object.fromEntries(Object.keys(kinds).map((kind) => [kind, { ...byKind[kind], ms: timings.get(kind)!.map((ms) => round(ms, 2)) }])),
    filtered,
    listRatio: ratio,
    summary: { seconds: round(summarySeconds, 2), rules: catalogue.length + postureChecks.length, counted: summarised },
    failures: Object.fromEntries(failures),
    targets: { listRatio: LIST_TARGET_RATIO },
    pass: { listRatio: pass },
  };
  await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nwrote ${relative(ROOT, RESULTS)}`);
} finally {
  await dynalite.close();
}

/**
 * The Lambda handlers as deployed: each function's production bundle (size), a cold import of it
 * in a fresh Node (time), and evaluate's warm time on 10-event batches against dynalite, each
 * beside a baseline built and measured the same way in the same run.
 *   npm run bench:handler -- [--runs 15] [--batches 200] [--node PATH]
 * Prints PASS/FAIL against the targets, writes bench/.data/handler-results.json, and exits 0
 * whatever the figures: a benchmark reports, it does not gate.
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs, promisify } from "node:util";
import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import { ensureFindingsTable, ensureStateTable, startDynalite } from "@vigil/store-dynamodb/local";
import { version as esbuildVersion } from "esbuild";
import { positiveInteger } from "../scan/options.ts";
import { startAwsStub } from "./awsStub.ts";
import { type BuiltBundle, bundleHandler } from "./bundle.ts";
import { childEnv, type ImportTiming, importInFreshNode } from "./coldImport.ts";
import { type BatchMix, buildBatches } from "./events.ts";
import { median, percentile, round } from "./stats.ts";
import { withoutTracerPlugin } from "./withoutTracer.ts";
import type { WarmResults } from "./warmRunner.ts";

/** Lambda's budget for one function's bundle, in bytes (decimal: 1 MB = 1,000,000 bytes). */
const BUNDLE_TARGET_BYTES = 1_000_000;
/** A cold import may take at most this many times the empty handler's (Node's start-up included in both). */
const COLD_IMPORT_TARGET_RATIO = 3;
/** Median time of a warm 10-event batch, on the batches EventBridge delivers. */
const WARM_P50_TARGET_MS = 20;
const BATCH_SIZE = 10;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT_DIR = join(ROOT, "bench/.data/handler");
const RESULTS = join(ROOT, "bench/.data/handler-results.json");
const FUNCTIONS = ["evaluate", "notifySlack", "retryNotifications"] as const;
/** Measured for reference, without a target: the handlers' own DynamoDB client and Powertools, one GetItem per record. */
const STORE_READ = "storeRead";
/** Measured for reference, without a target: evaluate with Powertools Tracer replaced by no-ops, to show what Tracer costs. */
const WITHOUT_TRACER = "evaluateWithoutTracer";
/** Measured for reference, without a target: the rule engine alone, built as evaluate builds it, with no AWS SDK or Powertools. */
const CORE_ONLY = "coreOnly";
const FINDINGS_TABLE_NAME = "vigil-bench-findings";
const STATE_TABLE_NAME = "vigil-bench-state";
const MIXES: readonly { mix: BatchMix; label: string }[] = [
  { mix: "delivered", label: "evaluate, delivered" },
  { mix: "worst", label: "evaluate, worst case" },
];

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" }, batches: { type: "string", default: "200" }, node: { type: "string" } } });
const runs = positiveInteger(values.runs, "--runs");
const batchCount = positiveInteger(values.batches, "--batches");
// The Node that runs the handlers (cold imports and warm batches): this one unless --node names another, e.g. Lambda's major version.
const node = values.node ?? process.execPath;
const nodeVersion = values.node ? (await promisify(execFile)(node, ["--version"])).stdout.trim().replace(/^v/, "") : process.versions.node;

// The SDK warns once per process on Node < 22 (Lambda runs 22): noise in this process's dynalite client.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
await mkdir(OUT_DIR, { recursive: true });
// Other work on the machine moves every figure here: the load is printed so a reader can tell.
console.log(`Handler benchmark: Node ${nodeVersion}, ${cpus().length} cores (load ${loadavg()[0]?.toFixed(1)}), esbuild ${esbuildVersion}\n`);

// ---- bundles --------------------------------------------------------------------------------
const bundles = new Map<string, BuiltBundle>();
const baselineBundle = await bundleHandler(join(ROOT, "bench/handler/emptyHandler.ts"), join(OUT_DIR, "baseline"));
bundles.set("baseline", baselineBundle);
const references = [
  [STORE_READ, "bench/handler/storeReadHandler.ts"],
  [CORE_ONLY, "bench/handler/coreOnlyHandler.ts"],
] as const;
for (const [name, entry] of [...FUNCTIONS.map((name) => [name, `functions/${name}.ts`] as const), ...references]) {
  try {
    bundles.set(name, await bundleHandler(join(ROOT, entry), join(OUT_DIR, name)));
  } catch (error) {
    console.log(`WARNING: ${entry} does not build; its figures are left out:\n${indent((error as Error).message)}\n`);
  }
}

try {
  bundles.set(WITHOUT_TRACER, await bundleHandler(join(ROOT, "functions/evaluate.ts"), join(OUT_DIR, WITHOUT_TRACER), [withoutTracerPlugin()]));
} catch (error) {
  console.log(`WARNING: evaluate without Tracer does not build; its figures are left out:\n${indent((error as Error).message)}\n`);
}

console.log("Bundle size (minify, tree-shake, platform node, target node22, esm, split, mainFields module,main, iamActionsPlugin)");
row(["", "package bytes", "", `<= ${kb(BUNDLE_TARGET_BYTES)}`, "loaded at start".padStart(26), "  largest parts"]);
row(["baseline (empty)", n(baselineBundle.bytes), kb(baselineBundle.bytes), "", kb(baselineBundle.startupBytes).padStart(26), ""]);
const sizePass: Record<string, boolean> = {};
for (const name of FUNCTIONS) {
  const built = bundles.get(name);
  if (!built) {
    row([name, "-", "-", "n/a", "-".padStart(26), ""]);
    continue;
  }
  sizePass[name] = built.bytes <= BUNDLE_TARGET_BYTES;
  const parts = [...built.bytesByOrigin].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([origin, bytes]) => `${origin} ${kb(bytes)}`);
  row([name, n(built.bytes), kb(built.bytes), verdict(sizePass[name]), `${kb(built.startupBytes)} (${built.startupFiles}/${built.files} files)`.padStart(26), `  ${parts.join(", ")}`]);
}
console.log(`(package: the entry and every chunk, as the function's zip holds them; loaded at start: the entry and the chunks it imports statically. In ${relative(ROOT, OUT_DIR)}/<name>/)\n`);

// ---- cold import ----------------------------------------------------------------------------
// Nothing answers on these endpoints: importing a handler must not call AWS.
const coldEnv = lambdaEnv({ dynamodb: "http://127.0.0.1:9", sns: "http://127.0.0.1:9", iam: "http://127.0.0.1:9" });
const coldNames = ["baseline", STORE_READ, CORE_ONLY, WITHOUT_TRACER, ...FUNCTIONS].filter((name) => bundles.has(name));
const coldTimings = new Map<string, ImportTiming[]>(coldNames.map((name) => [name, []]));
const coldErrors = new Map<string, string>();
console.log(`Cold import: a fresh \`node\` imports each bundle, ${runs} interleaved runs after one untimed (page cache)`);
console.log("  each child gets PATH and the function's variables only: no NODE_OPTIONS or NODE_EXTRA_CA_CERTS from this shell (a CA bundle adds ~35 ms to every start; Lambda sets neither)");
for (let run = 0; run <= runs; run++) {
  for (const name of coldNames) {
    if (coldErrors.has(name)) continue;
    try {
      const timing = await importInFreshNode(bundles.get(name)?.outfile ?? "", coldEnv, node);
      if (run > 0) coldTimings.get(name)?.push(timing);
    } catch (error) {
      coldErrors.set(name, (error as Error).message);
      console.log(`  WARNING: importing ${name} failed; its figures are left out:\n${indent((error as Error).message)}`);
    }
  }
}
const coldMedian = (name: string) => median((coldTimings.get(name) ?? []).map((timing) => timing.sinceStartMs));
const importMedian = (name: string) => median((coldTimings.get(name) ?? []).map((timing) => timing.importMs));
const baselineCold = coldMedian("baseline");
row(["", "start+import ms", "import ms", "x baseline", `<= ${COLD_IMPORT_TARGET_RATIO.toFixed(1)}x`]);
row(["baseline (empty)", baselineCold.toFixed(1), importMedian("baseline").toFixed(1), "1.00", ""]);
const referenceCold = (name: string) =>
  coldTimings.get(name)?.length ? { medianMs: round(coldMedian(name), 1), importMs: round(importMedian(name), 1), ratio: round(coldMedian(name) / baselineCold, 2) } : null;
const referenceRows = [
  [STORE_READ, "DynamoDB read only"],
  [CORE_ONLY, "rule engine only"],
  [WITHOUT_TRACER, "evaluate, no Tracer"],
] as const;
const referencesCold = Object.fromEntries(
  referenceRows.map(([name, label]) => {
    const figures = referenceCold(name);
    if (figures) row([label, figures.medianMs.toFixed(1), figures.importMs.toFixed(1), figures.ratio.toFixed(2), "(reference)"]);
    return [name, figures];
  }),
);
const cold: Record<string, { medianMs: number; importMs: number; ratio: number; pass: boolean } | null> = {};
for (const name of FUNCTIONS) {
  const timings = coldTimings.get(name) ?? [];
  if (timings.length === 0 || Number.isNaN(baselineCold)) {
    cold[name] = null;
    row([name, "-", "-", "-", "n/a"]);
    continue;
  }
  const medianMs = coldMedian(name);
  const ratio = medianMs / baselineCold;
  cold[name] = { medianMs: round(medianMs, 1), importMs: round(importMedian(name), 1), ratio: round(ratio, 2), pass: ratio <= COLD_IMPORT_TARGET_RATIO };
  row([name, medianMs.toFixed(1), (cold[name]?.importMs ?? 0).toFixed(1), ratio.toFixed(2), verdict(cold[name]?.pass)]);
}
console.log("(start+import: from the process's time origin to the end of `await import(bundle)`, median; Node 22 on Lambda starts differently.");
console.log(" DynamoDB read only: the handlers' document client, Logger, Metrics and Tracer and nothing else, the least a handler that stores anything imports;");
console.log(" rule engine only: @vigil/core's rules and zod built as evaluate builds them, with no SDK or Powertools;");
console.log(" evaluate, no Tracer: evaluate with Powertools Tracer and the X-Ray SDK replaced by no-ops, which no deployed bundle is: what Tracer costs)\n");

// ---- warm evaluate --------------------------------------------------------------------------
interface WarmMix {
  mix: BatchMix;
  figures: WarmFigures | null;
  findingsStored: number;
  awsCalls: Record<string, number>;
}
const dynalite = await startDynalite();
const aws = await startAwsStub();
let warm: { baseline: WarmFigures | null; evaluate: WarmMix[] };
try {
  await ensureFindingsTable(dynalite.client, FINDINGS_TABLE_NAME);
  await ensureStateTable(dynalite.client, STATE_TABLE_NAME);
  const warmEnv = childEnv(lambdaEnv({ dynamodb: dynalite.endpoint, sns: aws.endpoint, iam: aws.endpoint }, dynalite.credentials));
  console.log(`Warm evaluate: ${batchCount} batches of ${BATCH_SIZE} SQS records, invoked one after another in one process after a first, uncounted call`);
  console.log("  delivered: the events EventBridge hands Vigil, in order: the scan benchmark's account traffic filtered by the stack's event patterns");
  console.log("             (IAM writes, most of them ordinary, console sign-ins, refused calls, root use); the target is judged on these");
  console.log("  worst case: 7 of 10 records are rule positives under fresh eventIDs, so nearly every record stores and publishes new findings");
  console.log(`  DynamoDB: dynalite at ${dynalite.endpoint}; SNS and IAM: a local query-protocol stub at ${aws.endpoint}`);
  const batchFiles = new Map<BatchMix, string>();
  for (const { mix } of MIXES) {
    const file = join(OUT_DIR, `batches-${mix}.json`);
    // One more than measured: the first call (connections, lazy setup) is left out.
    await writeFile(file, JSON.stringify(buildBatches({ batches: batchCount + 1, size: BATCH_SIZE, mix })));
    batchFiles.set(mix, file);
  }
  const baseline = await runWarm(STORE_READ, batchFiles.get("delivered") ?? "", warmEnv, "baseline");
  const evaluate: WarmMix[] = [];
  for (const { mix } of MIXES) {
    const storedBefore = await countItems(FINDINGS_TABLE_NAME);
    const callsBefore = new Map(aws.calls);
    const figures = await runWarm("evaluate", batchFiles.get(mix) ?? "", warmEnv, mix);
    const awsCalls = Object.fromEntries([...aws.calls].map(([action, count]) => [action, count - (callsBefore.get(action) ?? 0)]).filter(([, count]) => count !== 0));
    evaluate.push({ mix, figures, findingsStored: (await countItems(FINDINGS_TABLE_NAME)) - storedBefore, awsCalls });
  }
  warm = { baseline, evaluate };
} finally {
  await aws.close();
  await dynalite.close();
}
const delivered = warm.evaluate.find((entry) => entry.mix === "delivered")?.figures;
const warmPass = delivered ? delivered.p50Ms < WARM_P50_TARGET_MS : undefined;
row(["", "p50 ms", "p99 ms", "first ms", "cpu p50 ms", `p50 < ${WARM_P50_TARGET_MS} ms`, "  findings stored, SNS/IAM calls"]);
row(warm.baseline ? ["baseline (10 reads)", warm.baseline.p50Ms.toFixed(2), warm.baseline.p99Ms.toFixed(2), warm.baseline.firstMs.toFixed(1), warm.baseline.cpuP50Ms.toFixed(2), "", ""] : ["baseline (10 reads)", "-", "-", "-", "-", "", ""]);
for (const { label, mix } of MIXES) {
  const entry = warm.evaluate.find((candidate) => candidate.mix === mix);
  const figures = entry?.figures;
  const judged = mix === "delivered" ? verdict(warmPass) : "(beside)";
  if (!entry || !figures) row([label, "-", "-", "-", "-", judged, ""]);
  else row([label, figures.p50Ms.toFixed(2), figures.p99Ms.toFixed(2), figures.firstMs.toFixed(1), figures.cpuP50Ms.toFixed(2), judged, `  ${n(entry.findingsStored)}, ${JSON.stringify(entry.awsCalls)}`]);
}
if (delivered && warm.baseline) console.log(`  evaluate (delivered) p50 = ${(delivered.p50Ms / warm.baseline.p50Ms).toFixed(1)}x the baseline's (one DynamoDB GetItem per record, one after another)`);
console.log("  requests per batch (DynamoDB by operation, counted in the handler's process; SNS/IAM by the stub), and the batch's CPU p50 over them:");
for (const [label, figures, awsCalls] of [
  ["baseline (10 reads)", warm.baseline, {}] as const,
  ...MIXES.map(({ label, mix }) => {
    const entry = warm.evaluate.find((candidate) => candidate.mix === mix);
    return [label, entry?.figures ?? null, entry?.awsCalls ?? {}] as const;
  }),
]) {
  if (!figures) continue;
  // The stub's counts include the first, uncounted batch.
  const perBatch = { ...figures.dynamoDbPerBatch, ...Object.fromEntries(Object.entries(awsCalls).map(([action, count]) => [action, round(count / (figures.batches + 1), 2)])) };
  const total = Object.values(perBatch).reduce((sum, count) => sum + count, 0);
  // All of a batch's CPU over its requests: when a mix spends no more per request than the
  // baseline, which does nothing but send them, its time is its requests'.
  const cpuPerRequest = `${(figures.cpuP50Ms / total).toFixed(2)} ms CPU per request`;
  console.log(`    ${label.padEnd(22)} ${total.toFixed(1).padStart(5)}  ${cpuPerRequest.padEnd(26)}${Object.entries(perBatch).map(([operation, count]) => `${operation} ${count}`).join(", ")}`);
}

// ---- summary --------------------------------------------------------------------------------
console.log("\nTargets");
for (const name of FUNCTIONS) {
  const built = bundles.get(name);
  console.log(`  ${name.padEnd(20)} bundle ${built ? kb(built.bytes) : "-"} (baseline ${kb(baselineBundle.bytes)}) <= ${kb(BUNDLE_TARGET_BYTES)}   ${verdict(sizePass[name])}`);
  const figures = cold[name];
  console.log(
    `  ${"".padEnd(20)} cold import ${figures ? `${figures.medianMs.toFixed(1)} ms = ${figures.ratio.toFixed(2)}x baseline ${baselineCold.toFixed(1)} ms` : "-"} <= ${COLD_IMPORT_TARGET_RATIO}x   ${verdict(figures?.pass)}`,
  );
}
const worst = warm.evaluate.find((entry) => entry.mix === "worst")?.figures;
console.log(
  `  ${"evaluate".padEnd(20)} warm 10-event batch p50 ${delivered ? `${delivered.p50Ms.toFixed(2)} ms delivered (worst case ${worst?.p50Ms.toFixed(2) ?? "-"} ms, baseline ${warm.baseline?.p50Ms.toFixed(2) ?? "-"} ms)` : "-"} < ${WARM_P50_TARGET_MS} ms   ${verdict(warmPass)}`,
);

const results = {
  measuredAt: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", loadAverage: loadavg()[0], node: nodeVersion, esbuild: esbuildVersion },
  runs,
  batches: batchCount,
  bundles: Object.fromEntries(
    ["baseline", ...FUNCTIONS].map((name) => {
      const built = bundles.get(name);
      return [
        name,
        built
          ? {
              file: relative(ROOT, built.outfile),
              bytes: built.bytes,
              files: built.files,
              startupBytes: built.startupBytes,
              startupFiles: built.startupFiles,
              bytesByOrigin: Object.fromEntries([...built.bytesByOrigin].sort((a, b) => b[1] - a[1])),
            }
          : null,
      ];
    }),
  ),
  coldImport: {
    baselineMs: round(baselineCold, 1),
    ...referencesCold,
    ...cold,
    sinceStartMs: Object.fromEntries([...coldTimings].map(([name, timings]) => [name, timings.map((timing) => round(timing.sinceStartMs, 1))])),
    errors: Object.fromEntries(coldErrors),
  },
  warm,
  targets: { bundleBytes: BUNDLE_TARGET_BYTES, coldImportRatio: COLD_IMPORT_TARGET_RATIO, warmP50Ms: WARM_P50_TARGET_MS, warmJudgedOn: "delivered" },
  pass: { bundle: Object.fromEntries(FUNCTIONS.map((name) => [name, sizePass[name] ?? null])), coldImport: Object.fromEntries(FUNCTIONS.map((name) => [name, cold[name]?.pass ?? null])), warmP50: warmPass ?? null },
};
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

// ---- helpers --------------------------------------------------------------------------------

interface WarmFigures {
  p50Ms: number;
  p99Ms: number;
  /** The first, uncounted call. */
  firstMs: number;
  /** Median CPU time of the handler's process per batch. */
  cpuP50Ms: number;
  batches: number;
  failedItems: number;
  /** DynamoDB requests per measured batch, by operation. */
  dynamoDbPerBatch: Record<string, number>;
}

/** Runs a bundle's handler over the batches in a child process; null (with the reason printed) when it fails. */
async function runWarm(name: string, batchesFile: string, env: NodeJS.ProcessEnv, label: string): Promise<WarmFigures | null> {
  const built = bundles.get(name);
  if (!built) return null;
  const resultsFile = join(OUT_DIR, `warm-${name}-${label}.json`);
  try {
    await promisify(execFile)(
      node,
      ["--import", "tsx", join(ROOT, "bench/handler/warmRunner.ts"), built.outfile, batchesFile, resultsFile, `vigil-bench-${name}`],
      // The handler's logs and metrics go to its stdout, as on Lambda; they are read and dropped.
      { cwd: ROOT, env, timeout: 10 * 60_000, maxBuffer: 1024 * 2 ** 20 },
    );
  } catch (error) {
    console.log(`  WARNING: ${name} failed on the ${label} batches; its figures are left out:\n${indent(`${(error as Error).message}`.slice(-3000))}`);
    return null;
  }
  const measured = JSON.parse(await readFile(resultsFile, "utf8")) as WarmResults;
  const [first = Number.NaN, ...rest] = measured.timingsMs;
  if (measured.failedItems > 0) console.log(`  WARNING: ${name} reported ${measured.failedItems} failed records on the ${label} batches: its figures are suspect`);
  return {
    p50Ms: round(percentile(rest, 50), 3),
    p99Ms: round(percentile(rest, 99), 3),
    firstMs: round(first, 1),
    cpuP50Ms: round(percentile(measured.cpuMs.slice(1), 50), 3),
    batches: rest.length,
    failedItems: measured.failedItems,
    dynamoDbPerBatch: Object.fromEntries(Object.entries(measured.dynamoDbRequests).map(([operation, count]) => [operation, round(count / rest.length, 2)])),
  };
}

async function countItems(tableName: string): Promise<number> {
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await dynalite.client.send(new ScanCommand({ TableName: tableName, Select: "COUNT", ExclusiveStartKey: startKey }));
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

/** What the stacks give every function, with the local store's credentials (the stubs take any) and each AWS service pointed at `endpoints`. */
function lambdaEnv(endpoints: { dynamodb: string; sns: string; iam: string }, credentials = { accessKeyId: "vigil-bench", secretAccessKey: "vigil-bench" }): Record<string, string> {
  return {
    AWS_REGION: "us-east-1",
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    // No shared config from this machine: every client is configured by the variables here alone.
    AWS_CONFIG_FILE: join(OUT_DIR, "no-aws-config"),
    AWS_SHARED_CREDENTIALS_FILE: join(OUT_DIR, "no-aws-credentials"),
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_ENDPOINT_URL_SNS: endpoints.sns,
    AWS_ENDPOINT_URL_IAM: endpoints.iam,
    AWS_ENDPOINT_URL_SSM: "http://127.0.0.1:9",
    // The SDK warns once per process on Node < 22 (Lambda runs 22): noise here, and time in a child's import.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    POWERTOOLS_SERVICE_NAME: "vigil-bench",
    POWERTOOLS_METRICS_NAMESPACE: "Vigil",
    LOG_LEVEL: "INFO",
    FINDINGS_TABLE_NAME,
    STATE_TABLE_NAME,
    TOPIC_ARN: "arn:aws:sns:us-east-1:111122223333:vigil-bench-alerts",
    RETENTION_DAYS: "90",
    SLACK_WEBHOOK_PARAMETER: "/vigil/bench/slack-webhook",
  };
}

function row(cells: string[]): void {
  console.log(cells.map((cell, i) => (i === 0 ? `  ${cell.padEnd(20)}` : i === cells.length - 1 && cell.startsWith("  ") ? cell : cell.padStart(16))).join(""));
}

function verdict(pass: boolean | undefined): string {
  return pass === undefined ? "n/a" : pass ? "PASS" : "FAIL";
}

function n(value: number): string {
  return value.toLocaleString("en-US");
}

function kb(bytes: number): string {
  return `${(bytes / 1000).toLocaleString("en-US", { maximumFractionDigits: 1 })} kB`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

/**
 * `vigil least-privilege` throughput and memory on the scan benchmark's synthetic archive (one
 * role's calls among everyone's), against the baseline that only reads, gunzips and parses the
 * same files, measured in the same run.
 *   npm run bench:least-privilege -- [--records 1000000] [--runs 3] [--principal ARN]
 * Prints PASS/FAIL against the targets and exits 0 whatever the figures: a benchmark reports.
 */
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type EnsuredArchive, ensureArchive } from "../scan/archive.ts";
import { type ChildMeasurement, measureChild } from "../scan/measureChild.ts";
import { positiveInteger } from "../scan/options.ts";
import { ACCOUNT } from "../scan/world.ts";

/** The same targets as scan's: at least this share of the baseline's records/s, and peak RSS at N over N/4 at most this. */
const THROUGHPUT_TARGET = 0.6;
const MEMORY_TARGET = 1.25;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "packages/cli/bin/vigil.js");
const BASELINE = join(ROOT, "bench/scan/baseline.ts");

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    // A pipeline role of the generated world: thousands of calls over the month, among a million.
    principal: { type: "string", default: `arn:aws:iam::${ACCOUNT}:role/terraform-deployer` },
  },
});
const records = positiveInteger(values.records, "--records");
const runs = positiveInteger(values.runs, "--runs");
const quarterRecords = Math.max(1, Math.round(records / 4));
const full = await ensureArchive({ records });
const quarter = await ensureArchive({ records: quarterRecords });

const baselineOn = (archive: EnsuredArchive) => measureChild(process.execPath, ["--import", "tsx", BASELINE, archive.dir], { cwd: ROOT });
// The generated calls start on 2026-11-01: --since takes them all in, whenever the benchmark runs.
const vigilOn = (archive: EnsuredArchive) =>
  measureChild(process.execPath, [CLI, "least-privilege", archive.dir, "--principal", values.principal, "--since", "2026-10-01", "--format", "json"], { cwd: ROOT, keepStdout: true });

console.log("warming up on the N/4 archive (untimed)");
await baselineOn(quarter);
check(await vigilOn(quarter), quarterRecords);

const baselineRuns: ChildMeasurement[] = [];
const vigilRuns: ChildMeasurement[] = [];
for (let run = 1; run <= runs; run++) {
  const base = await baselineOn(full);
  const vigil = await vigilOn(full);
  check(vigil, records);
  baselineRuns.push(base);
  vigilRuns.push(vigil);
  console.log(`  run ${run}: baseline ${base.wallSeconds.toFixed(2)}s ${mb(base.peakRssBytes)}, least-privilege ${vigil.wallSeconds.toFixed(2)}s ${mb(vigil.peakRssBytes)}`);
}
const vigilQuarter = await vigilOn(quarter);
check(vigilQuarter, quarterRecords);

const ratio = median(baselineRuns.map((m) => m.wallSeconds)) / median(vigilRuns.map((m) => m.wallSeconds));
const memory = median(vigilRuns.map((m) => m.peakRssBytes)) / vigilQuarter.peakRssBytes;
console.log(`\nvigil least-privilege on ${records.toLocaleString("en-US")} records, median of ${runs}`);
console.log(`throughput  least-privilege/baseline = ${ratio.toFixed(2)}   (target >= ${THROUGHPUT_TARGET.toFixed(2)})   ${ratio >= THROUGHPUT_TARGET ? "PASS" : "FAIL"}`);
console.log(
  `memory      peak RSS ${mb(vigilQuarter.peakRssBytes)} at ${quarterRecords.toLocaleString("en-US")} records, ` +
    `${mb(median(vigilRuns.map((m) => m.peakRssBytes)))} at ${records.toLocaleString("en-US")}: ratio ${memory.toFixed(2)}   (target <= ${MEMORY_TARGET.toFixed(2)}, flat)   ${memory <= MEMORY_TARGET ? "PASS" : "FAIL"}`,
);

/** A run that failed or read another number of records makes its figures meaningless: say so loudly. */
function check(measured: ChildMeasurement, expected: number): void {
  if (measured.exitCode !== 0) {
    console.log(`  WARNING: least-privilege exited ${measured.exitCode ?? measured.signal}; its stderr ends:\n${measured.stderrTail.slice(-2000)}`);
    return;
  }
  const { stats } = JSON.parse(measured.stdout) as { stats: { events: number; matched: number } };
  if (stats.events !== expected) console.log(`  WARNING: least-privilege read ${stats.events} records, expected ${expected}`);
  if (stats.matched === 0) console.log(`  WARNING: no call of ${values.principal} in the archive: pick another --principal`);
}

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

/**
 * `vigil least-privilege` for one principal over a synthetic CloudTrail archive, against `vigil scan`
 * on the same archive, measured in the same run (interleaved), and its peak memory at N over N/4.
 *   npm run bench:least-privilege -- [--records 1000000] [--runs 3] [--principal ARN] [--cli packages/cli/bin/vigil.js]
 * Prints a table and PASS/FAIL against the targets, writes bench/.data/least-privilege-results.json,
 * and exits 0 whatever the figures: a benchmark reports, it does not gate.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median, round } from "../handler/stats.ts";
import { DATA_DIR, type EnsuredArchive, ensureArchive } from "../scan/archive.ts";
import { type ChildMeasurement, measureChild } from "../scan/measureChild.ts";
import { positiveInteger } from "../scan/options.ts";
import { ACCOUNT } from "../scan/world.ts";

/** One principal's evidence reads the archive once and keeps a few counters: no slower than the scan of the same archive. */
const TIME_TARGET = 1.0;
/** Peak RSS at N over peak RSS at N/4: flat in archive size (linear growth heads for 4). */
const MEMORY_TARGET = 1.25;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS = join(DATA_DIR, "least-privilege-results.json");

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    // The Terraform pipeline's role: one of the busiest principals of the generated account (bench/scan/world.ts).
    principal: { type: "string", default: `arn:aws:iam::${ACCOUNT}:role/terraform-deployer` },
    cli: { type: "string", default: join(ROOT, "packages/cli/bin/vigil.js") },
  },
});
const CLI = resolve(values.cli);
const records = positiveInteger(values.records, "--records");
const runs = positiveInteger(values.runs, "--runs");
const quarterRecords = Math.max(1, Math.round(records / 4));
const principal = values.principal;

const n = (value: number) => value.toLocaleString("en-US");

const full = await prepare(records);
const quarter = await prepare(quarterRecords);

const scanOn = (archive: EnsuredArchive) => measureChild(process.execPath, [CLI, "scan", archive.dir, "--format", "json", "--store", "memory"], { cwd: ROOT });
// The archive's first day as --since, so the window holds every record however long after generation this runs.
const leastPrivilegeOn = (archive: EnsuredArchive) =>
  measureChild(process.execPath, [CLI, "least-privilege", archive.dir, "--principal", principal, "--since", archive.manifest.firstEventTime.slice(0, 10), "--format", "json"], {
    cwd: ROOT,
    keepStdout: true,
  });

console.log("\nwarming up on the N/4 archive (untimed)");
check("scan", await scanOn(quarter));
check("least-privilege", await leastPrivilegeOn(quarter));

const scanRuns: ChildMeasurement[] = [];
const leastRuns: ChildMeasurement[] = [];
console.log(`timing ${runs} interleaved runs each on ${records.toLocaleString("en-US")} records`);
for (let run = 1; run <= runs; run++) {
  const scan = await scanOn(full);
  check("scan", scan);
  scanRuns.push(scan);
  const least = await leastPrivilegeOn(full);
  check("least-privilege", least);
  leastRuns.push(least);
  console.log(`  run ${run}: scan ${scan.wallSeconds.toFixed(2)}s ${mb(scan.peakRssBytes)}, least-privilege ${least.wallSeconds.toFixed(2)}s ${mb(least.peakRssBytes)}`);
}
const leastQuarter = await leastPrivilegeOn(quarter);
check("least-privilege", leastQuarter);

const scanSeconds = median(scanRuns.map((m) => m.wallSeconds));
const leastSeconds = median(leastRuns.map((m) => m.wallSeconds));
const leastPeak = median(leastRuns.map((m) => m.peakRssBytes));
const timeRatio = round(leastSeconds / scanSeconds, 3);
const memoryRatio = round(leastPeak / leastQuarter.peakRssBytes, 3);
const evidence = summaryOf(leastRuns.at(-1));
const pass = { time: timeRatio <= TIME_TARGET, memory: memoryRatio <= MEMORY_TARGET };

const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
const row = (cells: string[]) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(24) : cell.padStart(12))).join(""));
console.log(
  `\nvigil least-privilege benchmark: ${n(records)} records in ${n(full.manifest.files)} files, ${(full.manifest.bytes / 1e6).toFixed(1)} MB gzip; ` +
    `median of ${runs} interleaved runs; ${cpus().length} cores, Node ${process.versions.node}`,
);
console.log(`principal ${principal}: ${evidence}`);
row(["", "wall (s)", "records/s", "peak RSS"]);
row(["vigil scan (baseline)", scanSeconds.toFixed(2), n(Math.round(records / scanSeconds)), mb(median(scanRuns.map((m) => m.peakRssBytes)))]);
row(["vigil least-privilege", leastSeconds.toFixed(2), n(Math.round(records / leastSeconds)), mb(leastPeak)]);
console.log(`\ntime        least-privilege/scan = ${timeRatio.toFixed(2)}   (target <= ${TIME_TARGET.toFixed(2)})   ${verdict(pass.time)}`);
console.log(
  `memory      least-privilege peak RSS ${mb(leastQuarter.peakRssBytes)} at ${n(quarterRecords)} records, ${mb(leastPeak)} at ${n(records)}: ` +
    `ratio ${memoryRatio.toFixed(2)}   (target <= ${MEMORY_TARGET.toFixed(2)}, flat)   ${verdict(pass.memory)}`,
);

await mkdir(DATA_DIR, { recursive: true });
await writeFile(
  RESULTS,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node },
      records,
      runs,
      principal,
      evidence,
      scan: { wallSeconds: scanRuns.map((m) => round(m.wallSeconds, 3)), medianSeconds: round(scanSeconds, 3) },
      leastPrivilege: {
        wallSeconds: leastRuns.map((m) => round(m.wallSeconds, 3)),
        medianSeconds: round(leastSeconds, 3),
        peakRssMB: leastRuns.map((m) => round(m.peakRssBytes / 2 ** 20, 1)),
        quarterPeakRssMB: round(leastQuarter.peakRssBytes / 2 ** 20, 1),
      },
      timeRatio,
      memoryRatio,
      targets: { timeRatio: TIME_TARGET, memoryRatio: MEMORY_TARGET },
      pass,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

async function prepare(count: number): Promise<EnsuredArchive> {
  const started = performance.now();
  process.stdout.write(`archive of ${count.toLocaleString("en-US")} records: `);
  const archive = await ensureArchive({ records: count });
  console.log(`${archive.reused ? "reused" : `generated in ${((performance.now() - started) / 1000).toFixed(1)}s`}, ${archive.manifest.files} files (${relative(ROOT, archive.dir)})`);
  return archive;
}

/** What the principal did, from the command's JSON: proof the run read the archive, not just that it exited. */
function summaryOf(measured: ChildMeasurement | undefined): string {
  if (!measured?.stdout) return "no output";
  const report = JSON.parse(measured.stdout) as { used?: unknown[]; denied?: unknown[]; stats?: { events?: number; matched?: number } };
  return `${n(report.stats?.matched ?? 0)} of ${n(report.stats?.events ?? 0)} records, ${report.used?.length ?? 0} actions used, ${report.denied?.length ?? 0} denied`;
}

/** A run that failed makes its figures meaningless: say so loudly. */
function check(label: string, measured: ChildMeasurement): void {
  if (measured.exitCode !== 0) console.log(`  WARNING: ${label} exited ${measured.exitCode ?? measured.signal}; its stderr ends:\n${measured.stderrTail.slice(-2000)}`);
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

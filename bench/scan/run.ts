/**
 * `vigil scan` throughput and memory on a synthetic CloudTrail archive, against a baseline that
 * only reads, gunzips and parses the same files, measured in the same run.
 *   npm run bench:scan -- [--records 1000000] [--runs 3] [--cli packages/cli/bin/vigil.js] [--against OTHER/bin/vigil.js]
 * Prints a table and PASS/FAIL against the targets, writes bench/.data/scan-results.json, and
 * exits 0 whatever the figures: a benchmark reports, it does not gate.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { DATA_DIR, type EnsuredArchive, ensureArchive } from "./archive.ts";
import { type ChildMeasurement, measureChild } from "./measureChild.ts";
import { positiveInteger } from "./options.ts";

/** vigil must keep at least this share of the baseline's records/s. */
const THROUGHPUT_TARGET = 0.6;
/** Peak RSS at N over peak RSS at N/4: memory must not grow with the archive (1.0 is perfectly flat; linear growth heads for 4). */
const MEMORY_TARGET = 1.25;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BASELINE = join(ROOT, "bench/scan/baseline.ts");
const RESULTS = join(DATA_DIR, "scan-results.json");

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    cli: { type: "string", default: join(ROOT, "packages/cli/bin/vigil.js") },
    /** Another build of the CLI (an earlier commit's checkout), timed in the same runs: what a change costs. */
    against: { type: "string" },
  },
});
const CLI = resolve(values.cli);
const AGAINST = values.against === undefined ? undefined : resolve(values.against);
if (AGAINST && !existsSync(AGAINST)) throw new Error(`--against: ${AGAINST} is missing`);
const records = positiveInteger(values.records, "--records");
const runs = positiveInteger(values.runs, "--runs");
const quarterRecords = Math.max(1, Math.round(records / 4));

const full = await prepare(records);
const quarter = await prepare(quarterRecords);

const cliPresent = existsSync(CLI);
if (!cliPresent) {
  const shown = relative(ROOT, CLI).startsWith("..") ? CLI : relative(ROOT, CLI);
  console.log(`\nThe vigil CLI is not there (${shown} is missing): measuring the baseline alone; run again once it exists.`);
}

const baselineOn = (archive: EnsuredArchive) => measureChild(process.execPath, ["--import", "tsx", BASELINE, archive.dir], { cwd: ROOT, keepStdout: true });
const scanWith = (cli: string) => (archive: EnsuredArchive) =>
  measureChild(process.execPath, [cli, "scan", archive.dir, "--format", "json", "--store", "memory"], { cwd: ROOT });
const vigilOn = scanWith(CLI);
const againstOn = AGAINST ? scanWith(AGAINST) : undefined;

// Warm the page cache and tsx's transform cache on the small archive, untimed.
console.log("\nwarming up on the N/4 archive (untimed)");
check("baseline", await baselineOn(quarter), quarterRecords);
if (cliPresent) check("vigil", await vigilOn(quarter), quarterRecords);
if (againstOn) check("against", await againstOn(quarter), quarterRecords);

// Interleaved, so both share whatever else the machine is doing.
const baselineRuns: ChildMeasurement[] = [];
const vigilRuns: ChildMeasurement[] = [];
const againstRuns: ChildMeasurement[] = [];
console.log(`timing ${runs} interleaved runs each on ${records.toLocaleString("en-US")} records`);
for (let run = 1; run <= runs; run++) {
  const base = await baselineOn(full);
  check("baseline", base, records);
  baselineRuns.push(base);
  let line = `  run ${run}: baseline ${base.wallSeconds.toFixed(2)}s ${mb(base.peakRssBytes)}`;
  if (cliPresent) {
    const vigil = await vigilOn(full);
    check("vigil", vigil, records);
    vigilRuns.push(vigil);
    line += `, vigil ${vigil.wallSeconds.toFixed(2)}s ${mb(vigil.peakRssBytes)} (${(vigil.stdoutBytes / 1024).toFixed(0)} KB of findings)`;
  }
  if (againstOn) {
    const other = await againstOn(full);
    check("against", other, records);
    againstRuns.push(other);
    line += `, against ${other.wallSeconds.toFixed(2)}s ${mb(other.peakRssBytes)}`;
  }
  console.log(line);
}
const vigilQuarter = cliPresent ? await vigilOn(quarter) : undefined;
if (vigilQuarter) {
  check("vigil", vigilQuarter, quarterRecords);
  console.log(`  vigil on ${quarterRecords.toLocaleString("en-US")} records: ${vigilQuarter.wallSeconds.toFixed(2)}s ${mb(vigilQuarter.peakRssBytes)}`);
}

const jsonMb = full.manifest.jsonBytes / 1e6;
const summarise = (measured: ChildMeasurement[]) => {
  const seconds = median(measured.map((m) => m.wallSeconds));
  return {
    wallSeconds: measured.map((m) => round(m.wallSeconds, 3)),
    medianSeconds: round(seconds, 3),
    recordsPerSecond: Math.round(records / seconds),
    jsonMBPerSecond: round(jsonMb / seconds, 1),
    peakRssMB: measured.map((m) => round(m.peakRssBytes / 2 ** 20, 1)),
    medianPeakRssMB: round(median(measured.map((m) => m.peakRssBytes)) / 2 ** 20, 1),
  };
};
const baseline = summarise(baselineRuns);
const vigil = cliPresent ? summarise(vigilRuns) : undefined;
const against = againstOn ? summarise(againstRuns) : undefined;
const againstRatio = vigil && against ? round(vigil.recordsPerSecond / against.recordsPerSecond, 3) : undefined;
const throughputRatio = vigil ? round(vigil.recordsPerSecond / baseline.recordsPerSecond, 3) : undefined;
const memory = vigil && vigilQuarter
  ? {
      quarterRecords,
      quarterPeakRssMB: round(vigilQuarter.peakRssBytes / 2 ** 20, 1),
      fullPeakRssMB: vigil.medianPeakRssMB,
      ratio: round(vigil.medianPeakRssMB / (vigilQuarter.peakRssBytes / 2 ** 20), 3),
      /** What a million more records would add if the growth between N/4 and N went on linearly. */
      growthMBPerMillionRecords: round(((vigil.medianPeakRssMB - vigilQuarter.peakRssBytes / 2 ** 20) / (records - quarterRecords)) * 1e6, 1),
    }
  : undefined;
const pass = {
  throughput: throughputRatio === undefined ? undefined : throughputRatio >= THROUGHPUT_TARGET,
  memory: memory === undefined ? undefined : memory.ratio <= MEMORY_TARGET,
};

const verdict = (ok: boolean | undefined) => (ok === undefined ? "n/a (no CLI)" : ok ? "PASS" : "FAIL");
const n = (value: number) => value.toLocaleString("en-US");
const row = (cells: string[]) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(22) : cell.padStart(12))).join(""));
console.log(
  `\nvigil scan benchmark: ${n(records)} records in ${n(full.manifest.files)} files, ` +
    `${(full.manifest.bytes / 1e6).toFixed(1)} MB gzip (${jsonMb.toFixed(0)} MB of JSON); median of ${runs} interleaved runs; ` +
    `${cpus().length} cores, Node ${process.versions.node}`,
);
row(["", "wall (s)", "records/s", "JSON MB/s", "peak RSS"]);
row(["baseline (no rules)", baseline.medianSeconds.toFixed(2), n(baseline.recordsPerSecond), baseline.jsonMBPerSecond.toFixed(1), `${baseline.medianPeakRssMB.toFixed(0)} MB`]);
if (vigil) row(["vigil scan", vigil.medianSeconds.toFixed(2), n(vigil.recordsPerSecond), vigil.jsonMBPerSecond.toFixed(1), `${vigil.medianPeakRssMB.toFixed(0)} MB`]);
else row(["vigil scan", "-", "-", "-", "-"]);
if (against) row(["--against", against.medianSeconds.toFixed(2), n(against.recordsPerSecond), against.jsonMBPerSecond.toFixed(1), `${against.medianPeakRssMB.toFixed(0)} MB`]);
console.log(
  `\nthroughput  vigil/baseline = ${throughputRatio?.toFixed(2) ?? "-"}   (target >= ${THROUGHPUT_TARGET.toFixed(2)})   ${verdict(pass.throughput)}`,
);
if (againstRatio !== undefined) console.log(`against     vigil/--against = ${againstRatio.toFixed(2)}   (above 1: this build is faster; ${relative(ROOT, AGAINST as string)})`);
console.log(
  memory
    ? `memory      vigil peak RSS ${memory.quarterPeakRssMB.toFixed(0)} MB at ${n(quarterRecords)} records, ${memory.fullPeakRssMB.toFixed(0)} MB at ${n(records)}: ` +
        `ratio ${memory.ratio.toFixed(2)}   (target <= ${MEMORY_TARGET.toFixed(2)}, flat)   ${verdict(pass.memory)}\n` +
        `            (growth ${memory.growthMBPerMillionRecords.toFixed(1)} MB per million records, if it went on linearly)`
    : `memory      -   ${verdict(undefined)}`,
);

await mkdir(DATA_DIR, { recursive: true });
const results = {
  measuredAt: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node },
  records,
  runs,
  archive: { dir: relative(ROOT, full.dir), files: full.manifest.files, gzipBytes: full.manifest.bytes, jsonBytes: full.manifest.jsonBytes, generatorVersion: full.manifest.generatorVersion },
  baseline,
  vigil: vigil ?? null,
  throughputRatio: throughputRatio ?? null,
  ...(against ? { against: { cli: relative(ROOT, AGAINST as string), ...against, vigilOverAgainst: againstRatio } } : {}),
  memory: memory ?? null,
  targets: { throughputRatio: THROUGHPUT_TARGET, memoryRatio: MEMORY_TARGET },
  pass: { throughput: pass.throughput ?? null, memory: pass.memory ?? null },
};
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

async function prepare(count: number): Promise<EnsuredArchive> {
  const started = performance.now();
  process.stdout.write(`archive of ${count.toLocaleString("en-US")} records: `);
  const archive = await ensureArchive({ records: count });
  const { manifest } = archive;
  console.log(
    `${archive.reused ? "reused" : `generated in ${((performance.now() - started) / 1000).toFixed(1)}s`}, ` +
      `${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(1)} MB gzip, ${(manifest.jsonBytes / 1e6).toFixed(0)} MB JSON (${relative(ROOT, archive.dir)})`,
  );
  return archive;
}

/** A run that failed or read the wrong number of records makes its figures meaningless: say so loudly. */
function check(label: string, measured: ChildMeasurement, expected: number): void {
  if (measured.exitCode !== 0) {
    console.log(`  WARNING: ${label} exited ${measured.exitCode ?? measured.signal}; its stderr ends:\n${indent(measured.stderrTail.slice(-2000))}`);
    return;
  }
  const read =
    label === "baseline"
      ? (JSON.parse(measured.stdout) as { records: number }).records
      : Number(/Scanned [\d,]+ files?, ([\d,]+) events?/.exec(measured.stderrTail)?.[1]?.replaceAll(",", "") ?? Number.NaN);
  if (Number.isNaN(read)) console.log(`  note: could not find vigil's "Scanned ... events" summary on stderr to confirm it read ${expected} records`);
  else if (read !== expected) console.log(`  WARNING: ${label} read ${read} records, expected ${expected}`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MB`;
}

function indent(text: string): string {
  return text
    .split("\n")
    .map((line) => `    ${line}`)
    .join("\n");
}

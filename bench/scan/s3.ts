/**
 * `vigil scan s3://...` throughput against `vigil scan DIR` on the same log files, in the same
 * run: the archive of `--records` records is uploaded to s3rver on 127.0.0.1 in the organization
 * layout (`AWSLogs/o-bench00000/<account>/CloudTrail/...`), then both commands run as child
 * processes, alternately, `--runs` times each. records/s is from spawn to exit, as a user times it.
 * Then the S3 scan runs once on the N/4 archive (its own bucket): peak RSS at N over N/4 says
 * whether memory stays flat in the archive's size (1.0 flat; a scan that held the archive heads for 4).
 *   npx tsx bench/scan/s3.ts [--records 200000] [--runs 3] [--cli packages/cli/bin/vigil.js]
 * Prints a table, writes bench/.data/scan-s3-results.json, exits 0 whatever the figures.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { startS3rver } from "../../test/packages/cloudtrail/s3rverServer.ts";
import { DATA_DIR, ensureArchive } from "./archive.ts";
import { type ChildMeasurement, measureChild } from "./measureChild.ts";
import { positiveInteger } from "./options.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS = join(DATA_DIR, "scan-s3-results.json");
const BUCKET = "bench-trail";
const QUARTER_BUCKET = "bench-trail-quarter";
const ORG = "o-bench00000";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "200000" },
    runs: { type: "string", default: "3" },
    cli: { type: "string", default: join(ROOT, "packages/cli/bin/vigil.js") },
  },
});
const CLI = resolve(values.cli);
const records = positiveInteger(values.records, "--records");
const runs = positiveInteger(values.runs, "--runs");

const quarterRecords = Math.max(1, Math.round(records / 4));
const archive = await ensureArchive({ records });
const quarter = await ensureArchive({ records: quarterRecords });
const { manifest } = archive;
console.log(`archive of ${records.toLocaleString("en-US")} records: ${manifest.files} files, ${(manifest.bytes / 1e6).toFixed(1)} MB gzip (${relative(ROOT, archive.dir)})`);

const s3 = await startS3rver([BUCKET, QUARTER_BUCKET]);
try {
  await upload(archive.dir, BUCKET);
  await upload(quarter.dir, QUARTER_BUCKET);

  // Every delivery of the archive: from its first event's day to an hour after its last event.
  const since = `${manifest.firstEventTime.slice(0, 10)}`;
  const until = new Date(Date.parse(manifest.lastEventTime) + 3_600_000).toISOString();
  const env = { ...process.env, ...s3.env };
  const diskRun = () => measureChild(process.execPath, [CLI, "scan", archive.dir, "--format", "json", "--store", "memory"], { cwd: ROOT });
  const s3Run = (bucket = BUCKET) =>
    measureChild(process.execPath, [CLI, "scan", `s3://${bucket}`, "--since", since, "--until", until, "--format", "json", "--store", "memory"], { cwd: ROOT, env });

  console.log("warming up (untimed)");
  check("disk", await diskRun());
  check("s3", await s3Run());
  const disk: ChildMeasurement[] = [];
  const fromS3: ChildMeasurement[] = [];
  for (let run = 1; run <= runs; run++) {
    const d = check("disk", await diskRun());
    const s = check("s3", await s3Run());
    disk.push(d);
    fromS3.push(s);
    console.log(`  run ${run}: disk ${d.wallSeconds.toFixed(2)}s ${mb(d.peakRssBytes)}, s3 ${s.wallSeconds.toFixed(2)}s ${mb(s.peakRssBytes)}`);
  }

  const s3Quarter = check("s3", await s3Run(QUARTER_BUCKET), quarterRecords);
  console.log(`  s3 on ${quarterRecords.toLocaleString("en-US")} records: ${s3Quarter.wallSeconds.toFixed(2)}s ${mb(s3Quarter.peakRssBytes)}`);

  const summarise = (measured: ChildMeasurement[]) => {
    const seconds = median(measured.map((m) => m.wallSeconds));
    return {
      wallSeconds: measured.map((m) => round(m.wallSeconds, 3)),
      medianSeconds: round(seconds, 3),
      eventsPerSecond: Math.round(records / seconds),
      medianPeakRssMB: round(median(measured.map((m) => m.peakRssBytes)) / 2 ** 20, 1),
    };
  };
  const diskSummary = summarise(disk);
  const s3Summary = summarise(fromS3);
  const ratio = round(s3Summary.eventsPerSecond / diskSummary.eventsPerSecond, 3);
  const n = (value: number) => value.toLocaleString("en-US");
  console.log(
    `\nvigil scan from S3 (s3rver on 127.0.0.1) against the same files on disk: ${n(records)} records in ${n(manifest.files)} files, ` +
      `${(manifest.bytes / 1e6).toFixed(1)} MB gzip; median of ${runs} interleaved runs; ${cpus().length} cores, Node ${process.versions.node}`,
  );
  const row = (cells: string[]) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(26) : cell.padStart(12))).join(""));
  row(["", "wall (s)", "events/s", "peak RSS"]);
  row(["vigil scan DIR", diskSummary.medianSeconds.toFixed(2), n(diskSummary.eventsPerSecond), `${diskSummary.medianPeakRssMB.toFixed(0)} MB`]);
  row(["vigil scan s3://", s3Summary.medianSeconds.toFixed(2), n(s3Summary.eventsPerSecond), `${s3Summary.medianPeakRssMB.toFixed(0)} MB`]);
  const memoryRatio = round(s3Summary.medianPeakRssMB / (s3Quarter.peakRssBytes / 2 ** 20), 3);
  console.log(`\nthroughput  s3/disk = ${ratio.toFixed(2)}  (s3rver shares the machine's cores with the scan; no target)`);
  console.log(`memory      s3 peak RSS ${mb(s3Quarter.peakRssBytes)} at ${n(quarterRecords)} records, ${s3Summary.medianPeakRssMB.toFixed(0)} MB at ${n(records)}: ratio ${memoryRatio.toFixed(2)} (1.0 is flat)`);
  await writeFile(
    RESULTS,
    `${JSON.stringify({ measuredAt: new Date().toISOString(), machine: { cores: cpus().length, node: process.versions.node }, records, runs, files: manifest.files, gzipBytes: manifest.bytes, disk: diskSummary, s3: s3Summary, throughputRatio: ratio, s3MemoryRatio: memoryRatio }, null, 2)}\n`,
  );
  console.log(`wrote ${relative(ROOT, RESULTS)}`);
} finally {
  await s3.close();
  await rm(s3.directory, { recursive: true, force: true });
}

/** A run that failed or read the wrong number of records makes its figures meaningless: say so loudly. */
function check(label: string, measured: ChildMeasurement, expected = records): ChildMeasurement {
  const read = Number(/Scanned [\d,]+ files?, ([\d,]+) events?/.exec(measured.stderrTail)?.[1]?.replaceAll(",", "") ?? Number.NaN);
  if (measured.exitCode !== 0) console.log(`  WARNING: ${label} exited ${measured.exitCode ?? measured.signal}; its stderr ends:\n${measured.stderrTail.slice(-2000)}`);
  else if (read !== expected) console.log(`  WARNING: ${label} read ${read} records, expected ${expected}; its stderr ends:\n${measured.stderrTail.slice(-2000)}`);
  return measured;
}

/** Puts an archive's log files into a bucket under an organization's folder, as an organization trail delivers them. */
async function upload(dir: string, bucket: string): Promise<void> {
  const started = performance.now();
  const files: { key: string; body: Buffer }[] = [];
  for (const path of await walk(join(dir, "AWSLogs"))) files.push({ key: `AWSLogs/${ORG}/${relative(join(dir, "AWSLogs"), path)}`, body: await readFile(path) });
  await s3.put(bucket, files);
  console.log(`uploaded ${files.length} objects to s3://${bucket} on s3rver at ${s3.endpoint} in ${((performance.now() - started) / 1000).toFixed(1)}s`);
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name)).sort();
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

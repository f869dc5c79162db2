/**
 * The CLI's start-up: `vigil --version` and `vigil rules` from the build `npm ci` makes, against
 * a bare `node -e 0` timed in the same run, and how much of `vigil scan`'s time to first output on
 * a small file is start-up rather than scanning.
 *   npm run bench:cli -- [--runs 15]
 * Prints a table and PASS/FAIL against the targets, writes bench/.data/cli-results.json, and exits
 * 0 whatever the figures: a benchmark reports, it does not gate.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gunzipSync } from "node:zlib";
import { currentBuild } from "../../packages/cli/bin/currentBuild.js";
import { CLI_DIST, buildCli } from "../../scripts/buildCli.ts";
import { positiveInteger } from "../scan/options.ts";

/** `vigil --version` and `vigil rules` may take at most this many times a bare `node -e 0`. */
const STARTUP_TARGET = 3;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DATA_DIR = join(ROOT, "bench/.data");
const RESULTS = join(DATA_DIR, "cli-results.json");
const BIN = join(ROOT, "packages/cli/bin/vigil.js");
/** One delivery file of the README's sample: 32 events, 7 findings. */
const SMALL = join(ROOT, "samples/AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20/111122223333_CloudTrail_us-east-1_20261120T0830Z_xnnYx5OPnrMZrdlD.json.gz");
const LARGER = join(DATA_DIR, "cli-scan-10x.json");

const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
const runs = positiveInteger(values.runs, "--runs");

if (!currentBuild(CLI_DIST)) {
  // What `npm ci` would have built; without it the bin runs the sources and this would time tsx.
  const started = performance.now();
  process.stdout.write("the CLI's build is missing or older than its sources: building it, ");
  await buildCli();
  console.log(`${((performance.now() - started) / 1000).toFixed(1)}s`);
}

// The small file's records ten times over, each copy with event IDs of its own: the same scan, ten times the work.
const records = (JSON.parse(gunzipSync(readFileSync(SMALL)).toString("utf8")) as { Records: { eventID: string }[] }).Records;
const larger = Array.from({ length: 10 }, (_, copy) => records.map((record) => ({ ...record, eventID: `${record.eventID}-${copy}` }))).flat();
await mkdir(DATA_DIR, { recursive: true });
await writeFile(LARGER, JSON.stringify({ Records: larger }));

const env = { ...process.env, NO_COLOR: "1" };
const sourcesEnv = { ...env, VIGIL_CLI_SOURCES: "1" };
const commands = {
  baseline: { label: "node -e 0", args: ["-e", "0"], env },
  version: { label: "vigil --version", args: [BIN, "--version"], env },
  rules: { label: "vigil rules", args: [BIN, "rules"], env },
  rulesSources: { label: "vigil rules (sources)", args: [BIN, "rules"], env: sourcesEnv },
  scanHelp: { label: "vigil scan --help", args: [BIN, "scan", "--help"], env },
  scanSmall: { label: `vigil scan (${records.length} ev)`, args: [BIN, "scan", SMALL, "--store", "memory"], env },
  scanLarger: { label: `vigil scan (${larger.length} ev)`, args: [BIN, "scan", LARGER, "--store", "memory"], env },
  scanSmallSources: { label: `scan (${records.length} ev, sources)`, args: [BIN, "scan", SMALL, "--store", "memory"], env: sourcesEnv },
} as const;
type Name = keyof typeof commands;
const names = Object.keys(commands) as Name[];

interface Timing {
  /** From spawn to the first byte on stdout or stderr, in ms. */
  firstOutputMs: number;
  /** From spawn to exit, in ms. */
  wallMs: number;
}

console.log("warming up (untimed): one run of each command");
for (const name of names) await time(name);
const timings = Object.fromEntries(names.map((name) => [name, [] as Timing[]])) as Record<Name, Timing[]>;
console.log(`timing ${runs} interleaved runs of each`);
for (let run = 0; run < runs; run++) for (const name of names) timings[name].push(await time(name));

const summary = Object.fromEntries(
  names.map((name) => {
    const wall = timings[name].map((t) => t.wallMs);
    const first = timings[name].map((t) => t.firstOutputMs);
    return [name, { medianMs: round(quantile(wall, 0.5)), p90Ms: round(quantile(wall, 0.9)), firstOutputMedianMs: round(quantile(first, 0.5)) }];
  }),
) as Record<Name, { medianMs: number; p90Ms: number; firstOutputMedianMs: number }>;
const base = summary.baseline;
const ratio = (name: Name) => round(summary[name].medianMs / base.medianMs, 2);
const ratioP90 = (name: Name) => round(summary[name].p90Ms / base.p90Ms, 2);
const pass = { version: ratio("version") <= STARTUP_TARGET, rules: ratio("rules") <= STARTUP_TARGET };
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

console.log(`\nvigil start-up: median and p90 of ${runs} interleaved runs, spawn to exit; ${cpus().length} cores, Node ${process.versions.node}`);
const row = (cells: string[]) => console.log(cells.map((cell, i) => (i === 0 ? cell.padEnd(26) : cell.padStart(12))).join(""));
row(["", "median ms", "p90 ms", "x node", "x node p90", "1st out ms"]);
for (const name of names) {
  const s = summary[name];
  row([commands[name].label, s.medianMs.toFixed(0), s.p90Ms.toFixed(0), ratio(name).toFixed(2), ratioP90(name).toFixed(2), name === "baseline" ? "-" : s.firstOutputMedianMs.toFixed(0)]);
}
console.log(`\n--version   ${ratio("version").toFixed(2)} x node -e 0   (target <= ${STARTUP_TARGET})   ${verdict(pass.version)}`);
console.log(`rules       ${ratio("rules").toFixed(2)} x node -e 0   (target <= ${STARTUP_TARGET})   ${verdict(pass.rules)}`);
console.log(`rules from the sources through tsx: ${ratio("rulesSources").toFixed(2)} x node -e 0, ${round(summary.rulesSources.medianMs / summary.rules.medianMs, 1)} x the build`);

// Start-up is what `vigil --version` costs (Node, the bin's freshness check, the bundle's entry);
// the rest of the time to the first line of a scan is loading the scan's code, reading and evaluating.
const startupShare = round(summary.version.medianMs / summary.scanSmall.firstOutputMedianMs, 2);
const nodeShare = round(base.medianMs / summary.scanSmall.firstOutputMedianMs, 2);
console.log(
  `\nscan, ${records.length} events: first output after ${summary.scanSmall.firstOutputMedianMs.toFixed(0)} ms, of which vigil's start-up (--version) ` +
    `${summary.version.medianMs.toFixed(0)} ms = ${(startupShare * 100).toFixed(0)}% (bare Node ${(nodeShare * 100).toFixed(0)}%); ` +
    `${larger.length} events: first output after ${summary.scanLarger.firstOutputMedianMs.toFixed(0)} ms, exit after ${summary.scanLarger.medianMs.toFixed(0)} ms`,
);
// `scan --help` loads the scan's code and prints: what is left of the first output after it is the scan's own work.
const codeMs = summary.scanHelp.firstOutputMedianMs - summary.version.firstOutputMedianMs;
const workMs = summary.scanSmall.firstOutputMedianMs - summary.scanHelp.firstOutputMedianMs;
console.log(
  `            split: start-up ${summary.version.firstOutputMedianMs.toFixed(0)} ms, loading the scan's code (scan --help over --version) ${codeMs.toFixed(0)} ms, ` +
    `the scan's own work (config, action index, read, evaluate, print) ${workMs.toFixed(0)} ms`,
);
console.log(
  `            from the sources through tsx the same first output takes ${summary.scanSmallSources.firstOutputMedianMs.toFixed(0)} ms ` +
    `(${round(summary.scanSmallSources.firstOutputMedianMs / summary.scanSmall.firstOutputMedianMs, 1)} x)`,
);

const results = {
  measuredAt: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node },
  runs,
  commands: Object.fromEntries(names.map((name) => [name, { label: commands[name].label, ...summary[name], ratioToNode: ratio(name), wallMs: timings[name].map((t) => round(t.wallMs)) }])),
  scan: {
    smallEvents: records.length,
    largerEvents: larger.length,
    startupShareOfFirstOutput: startupShare,
    nodeShareOfFirstOutput: nodeShare,
    loadingScanCodeMs: round(codeMs),
    scanWorkMs: round(workMs),
  },
  targets: { startupRatio: STARTUP_TARGET },
  pass,
};
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

function time(name: Name): Promise<Timing> {
  const { args, env: childEnv } = commands[name];
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstOutputMs = Number.NaN;
    let wallMs = 0;
    let stderr = "";
    const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv, stdio: ["ignore", "pipe", "pipe"] });
    const first = () => {
      if (Number.isNaN(firstOutputMs)) firstOutputMs = performance.now() - started;
    };
    child.stdout.on("data", first);
    child.stderr.on("data", (chunk: Buffer) => {
      first();
      stderr = (stderr + chunk.toString("utf8")).slice(-2000);
    });
    child.on("error", reject);
    child.on("exit", () => (wallMs = performance.now() - started));
    child.on("close", (code) => {
      // scan exits 1 when it finds something at or above --fail-on; anything else means the figure is not a run.
      if (code !== 0 && !(code === 1 && name.startsWith("scan"))) console.log(`  WARNING: ${commands[name].label} exited ${code}; its stderr ends:\n${stderr}`);
      resolve({ firstOutputMs: Number.isNaN(firstOutputMs) ? wallMs : firstOutputMs, wallMs });
    });
  });
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

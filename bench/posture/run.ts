/**
 * The scheduled posture checks on a large account: the time of a full evaluation (runPostureChecks)
 * against parsing the credential report alone, in the same run, and the number of IAM calls the
 * snapshot reader makes for 10 users and for --users, which must be the same but for the
 * authorization details' pages (one per 1,000 entries) and Access Advisor's jobs (at most the cap).
 *   npm run bench:posture -- [--users 10000] [--runs 15]
 * Prints PASS/FAIL against the targets, writes bench/.data/posture-results.json, and exits 0
 * whatever the figures: a benchmark reports, it does not gate.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { type AccountSnapshotRead, DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN, readAccountSnapshot } from "@vigil/aws-iam";
import { catalogue, parseCredentialReport, resolveConfig, runPostureChecks } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import { median, round } from "../handler/stats.ts";
import { positiveInteger } from "../scan/options.ts";
import { ACCOUNT, generateCredentialReport, REPORT_TIME } from "./credentialReport.ts";
import { mockAccount } from "./mockAccount.ts";

/** A full evaluation (parsing included) may take at most this many times parsing the report alone. */
const EVALUATION_TARGET_RATIO = 2;
const SMALL_ACCOUNT_USERS = 10;
const WARM_UP_RUNS = 3;

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS = join(ROOT, "bench/.data/posture-results.json");

const { values } = parseArgs({
  options: {
    users: { type: "string", default: "10000" },
    runs: { type: "string", default: "15" },
  },
});
const users = positiveInteger(values.users, "--users");
const runs = positiveInteger(values.runs, "--runs");
const n = (value: number) => value.toLocaleString("en-US");

let started = performance.now();
const csv = generateCredentialReport(users);
console.log(`credential report of ${n(users)} users: ${(csv.length / 1e6).toFixed(1)} MB of CSV, generated in ${((performance.now() - started) / 1000).toFixed(1)}s`);

// IAM calls: the same account around a small and a large report, through aws-sdk-client-mock.
const small = await readWithMocks(generateCredentialReport(SMALL_ACCOUNT_USERS));
const large = await readWithMocks(csv);
const iamCalls = (read: AccountSnapshotRead) => Object.entries(read.calls).filter(([operation]) => operation.startsWith("iam:"));
const total = (read: AccountSnapshotRead) => iamCalls(read).reduce((sum, [, count]) => sum + count, 0);
for (const read of [small, large]) {
  if (read.problems.length > 0) console.log(`  WARNING: the snapshot read had problems: ${read.problems.map((problem) => problem.error).join("; ")}`);
}

// Timing: the snapshot the reader returned for the large account, evaluated in full, against parsing its report alone.
const { snapshot } = large;
const config = resolveConfig({}, catalogue);
const actions = loadActionIndex();
const parse = () => parseCredentialReport(csv).length;
const evaluate = () => runPostureChecks(snapshot, { config, now: REPORT_TIME, actions });
console.log(`warming up (${WARM_UP_RUNS} untimed runs each), then ${runs} interleaved timed runs each`);
for (let run = 0; run < WARM_UP_RUNS; run++) {
  parse();
  evaluate();
}
const parseMs: number[] = [];
const evaluateMs: number[] = [];
let rows = 0;
let result = evaluate();
for (let run = 0; run < runs; run++) {
  started = performance.now();
  rows = parse();
  parseMs.push(performance.now() - started);
  started = performance.now();
  result = evaluate();
  evaluateMs.push(performance.now() - started);
}
if (rows !== users + 1) console.log(`  WARNING: parsed ${rows} rows, expected ${users + 1}`);
if (result.skipped.length > 0) console.log(`  WARNING: checks skipped: ${result.skipped.map((entry) => `${entry.checkId} (${entry.reason})`).join("; ")}`);

const parseMedian = median(parseMs);
const evaluateMedian = median(evaluateMs);
const ratio = round(evaluateMedian / parseMedian, 3);
// What grows with the account by design: GetAccountAuthorizationDetails pages through every user
// (1,000 entries a page), and Access Advisor asks about up to its cap of principals a run.
const GROWING = new Set(["iam:GetAccountAuthorizationDetails", "iam:GenerateServiceLastAccessedDetails", "iam:GetServiceLastAccessedDetails"]);
const fixed = (read: AccountSnapshotRead) => iamCalls(read).filter(([operation]) => !GROWING.has(operation)).reduce((sum, [, count]) => sum + count, 0);
/** Users, 2 groups, 2 roles and 5 policies, a page per 1,000; every user and aws-support are candidates (not the service-linked role). */
const expectedGrowing = (count: number) => {
  const jobs = Math.min(count + 1, DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN);
  return { "iam:GetAccountAuthorizationDetails": Math.ceil((count + 9) / 1000), "iam:GenerateServiceLastAccessedDetails": jobs, "iam:GetServiceLastAccessedDetails": jobs };
};
const growingAsExpected = (read: AccountSnapshotRead, count: number) =>
  Object.entries(expectedGrowing(count)).every(([operation, expected]) => (read.calls[operation] ?? 0) === expected);
const callsEqual = fixed(small) === fixed(large) && growingAsExpected(small, SMALL_ACCOUNT_USERS) && growingAsExpected(large, users);
const byRule: Record<string, number> = {};
for (const finding of result.findings) byRule[finding.ruleId] = (byRule[finding.ruleId] ?? 0) + 1;
const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");

console.log(`\nposture benchmark: ${n(users)} users, median of ${runs} runs; ${cpus().length} cores, Node ${process.versions.node}, load ${loadavg()[0]?.toFixed(2)}`);
console.log(`  parseCredentialReport (baseline)   ${parseMedian.toFixed(1).padStart(8)} ms   ${n(Math.round((rows / parseMedian) * 1000))} rows/s`);
console.log(`  runPostureChecks (full evaluation) ${evaluateMedian.toFixed(1).padStart(8)} ms   ${n(result.findings.length)} findings, ${result.skipped.length} skipped`);
console.log(`    findings by check: ${Object.entries(byRule).map(([rule, count]) => `${rule} ${n(count)}`).join(", ")}`);
console.log(`\nevaluation  full/parse = ${ratio.toFixed(2)}   (target <= ${EVALUATION_TARGET_RATIO.toFixed(2)})   ${verdict(ratio <= EVALUATION_TARGET_RATIO)}`);
console.log(
  `IAM calls   ${total(small)} for ${n(SMALL_ACCOUNT_USERS)} users, ${total(large)} for ${n(users)} users   (target: equal but for a details page per 1,000 entries and Access Advisor's jobs, at most ${DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN})   ${verdict(callsEqual)}`,
);
for (const [operation, count] of iamCalls(large)) {
  const smallCount = small.calls[operation] ?? 0;
  const note = smallCount === count ? "" : GROWING.has(operation) ? `   <- expected ${expectedGrowing(users)[operation as keyof ReturnType<typeof expectedGrowing>]}` : "   <- grows with users";
  console.log(`  ${operation.padEnd(40)} ${String(smallCount).padStart(4)} ${String(count).padStart(6)}${note}`);
}

await mkdir(join(ROOT, "bench/.data"), { recursive: true });
const results = {
  measuredAt: new Date().toISOString(),
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node, load1: loadavg()[0] ?? null },
  users,
  runs,
  reportBytes: csv.length,
  parse: { ms: parseMs.map((ms) => round(ms, 2)), medianMs: round(parseMedian, 2) },
  evaluate: { ms: evaluateMs.map((ms) => round(ms, 2)), medianMs: round(evaluateMedian, 2), findings: result.findings.length, findingsByCheck: byRule, skipped: result.skipped.length },
  evaluationRatio: ratio,
  iamCalls: { [SMALL_ACCOUNT_USERS]: Object.fromEntries(iamCalls(small)), [users]: Object.fromEntries(iamCalls(large)), totals: { [SMALL_ACCOUNT_USERS]: total(small), [users]: total(large) } },
  targets: { evaluationRatio: EVALUATION_TARGET_RATIO, iamCalls: "equal but for the authorization details' pages and Access Advisor's jobs", growing: { [SMALL_ACCOUNT_USERS]: expectedGrowing(SMALL_ACCOUNT_USERS), [users]: expectedGrowing(users) } },
  pass: { evaluation: ratio <= EVALUATION_TARGET_RATIO, iamCalls: callsEqual },
};
await writeFile(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

async function readWithMocks(report: string): Promise<AccountSnapshotRead> {
  const { iam, cloudTrail, restore } = mockAccount(report);
  try {
    return await readAccountSnapshot({ iam, cloudTrail, account: ACCOUNT, region: "us-east-1", sleep: async () => {} });
  } finally {
    restore();
  }
}

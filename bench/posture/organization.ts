/**
 * The organization posture run at scale: 1,000 accounts of 100 users each, every AWS call (STS,
 * IAM, CloudTrail, Organizations, SNS, and the finding store's requests) answered after a fixed
 * latency, through the real OrganizationPostureRunner, AuditRoleAccess and readAccountSnapshot.
 * Measures the wall time of a run at each --concurrency against concurrency 1 (over --serial-accounts
 * and scaled to the organization: 1,000 accounts one at a time would take longer than Lambda's 15
 * minutes, which is the point), and the calls one account's read makes for 10, 100 and 1,000 users.
 *   npx tsx bench/posture/organization.ts [--accounts 1000] [--users 100] [--latency 50] [--concurrency 10,50] [--serial-accounts 50]
 * Writes bench/.data/posture-organization-results.json; exits 0 whatever the figures.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { cpus, loadavg } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import { AuditRoleAccess, accountHandle, OrganizationsInventorySource } from "@vigil/aws-iam";
import { catalogue, resolveConfig } from "@vigil/core";
import { OrganizationPostureRunner, parseOrganizationSettings, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier, SnsOrganizationDigestPublisher } from "@vigil/notify";
import { mockClient } from "aws-sdk-client-mock";
import { MANAGEMENT_ACCOUNT_ID, mockOrganizations, ORGANIZATION_ID, simulatedOrganization } from "../../test/helpers/organization.ts";
import { simulateAccounts } from "../../test/packages/monitor/simulatedAccounts.ts";
import { positiveInteger } from "../scan/options.ts";
import { LatentStore } from "./latentStore.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const RESULTS = join(ROOT, "bench/.data/posture-organization-results.json");
const REGION = "us-east-1";
const HOME = "200000000000";
const LAMBDA_LIMIT_MS = 15 * 60_000;

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "1000" },
    users: { type: "string", default: "100" },
    latency: { type: "string", default: "50" },
    concurrency: { type: "string", default: "10,50" },
    "serial-accounts": { type: "string", default: "50" },
  },
});
const accounts = positiveInteger(values.accounts, "--accounts");
const users = positiveInteger(values.users, "--users");
const latencyMs = Number(values.latency);
const concurrencies = values.concurrency.split(",").map((value) => positiveInteger(value, "--concurrency"));
const serialAccounts = Math.min(accounts, positiveInteger(values["serial-accounts"], "--serial-accounts"));
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

let usersPerAccount = users;
let latency = latencyMs;
// Latency and users change between the timed runs and the count of calls, so the simulation reads them at each call.
simulateAccounts({
  homeAccount: HOME,
  stateOf: () => ({ users: usersPerAccount }),
  get latencyMs() {
    return latency;
  },
});

/** One organization run of `count` accounts at `concurrency`: wall time, and what it did. */
async function timedRun(count: number, concurrency: number) {
  const organizationsClient = new OrganizationsClient({ region: REGION });
  mockOrganizations(simulatedOrganization(count), organizationsClient);
  const send = organizationsClient.send.bind(organizationsClient) as (...args: unknown[]) => Promise<unknown>;
  (organizationsClient as unknown as { send: unknown }).send = async (...args: unknown[]) => {
    await delay(latencyMs);
    return send(...args);
  };
  const snsClient = new SNSClient({ region: REGION });
  mockClient(snsClient).on(PublishCommand).callsFake(async () => {
    await delay(latencyMs);
    return { MessageId: "00000000-0000-0000-0000-000000000000" };
  });
  const store = new LatentStore(latencyMs);
  const topicArn = `arn:aws:sns:${REGION}:${HOME}:vigil-bench-findings`;
  const now = () => new Date("2026-12-05T06:00:00Z");
  const runner = new OrganizationPostureRunner({
    organization: parseOrganizationSettings({ id: ORGANIZATION_ID, managementAccountId: MANAGEMENT_ACCOUNT_ID, postureConcurrency: concurrency }) as NonNullable<ReturnType<typeof parseOrganizationSettings>>,
    source: new OrganizationsInventorySource({ organizations: organizationsClient, now }),
    inventoryCache: { load: async () => undefined, save: async () => (await delay(latencyMs), true) },
    readLog: { load: async () => ({}), record: () => delay(latencyMs) },
    members: new AuditRoleAccess({ sts: new STSClient({ region: REGION }), roleName: "VigilAudit", region: REGION }),
    region: REGION,
    store,
    outbox: store,
    delivery: new SnsDelivery({ outbox: store, publisher: new SnsNotifier({ client: snsClient, topicArn }), leaseMs: LAMBDA_LIMIT_MS }),
    digests: new SnsOrganizationDigestPublisher({ client: snsClient, topicArn }),
    config: resolveConfig({}, catalogue),
    now,
  });
  const credentials = { accessKeyId: "AKIAHOMEEXAMPLE00001", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" };
  const home = { account: HOME, opened: accountHandle({ iam: new IAMClient({ region: REGION, credentials }), cloudTrail: new CloudTrailClient({ region: REGION, credentials }) }, { account: HOME, region: REGION }) };
  const started = performance.now();
  const report = await runner.run({ owner: "bench", home });
  const ms = performance.now() - started;
  if (report.notRead.length > 0) console.log(`  WARNING: ${report.notRead.length} accounts not read: ${report.notRead[0]?.detail}`);
  return { ms, read: report.accounts.length, storeRequests: store.requests, callsPerAccount: report.accounts[1]?.calls ?? {} };
}

/** The calls one member account's read makes with `count` users, without latency. */
async function callsFor(count: number): Promise<Record<string, number>> {
  usersPerAccount = count;
  latency = 0;
  const access = new AuditRoleAccess({ sts: new STSClient({ region: REGION }), roleName: "VigilAudit", region: REGION });
  const opened = await access.open("200000000001");
  try {
    return (await opened.read()).calls;
  } finally {
    opened.close();
    usersPerAccount = users;
    latency = latencyMs;
  }
}

console.log(`organization posture benchmark: ${accounts} accounts of ${users} users, every call answered after ${latencyMs} ms; ${cpus().length} cores, Node ${process.versions.node}, load ${loadavg()[0]?.toFixed(2)}`);
const runs: Record<string, { ms: number; read: number; storeRequests: number }> = {};
for (const concurrency of concurrencies) {
  const run = await timedRun(accounts, concurrency);
  runs[concurrency] = { ms: Math.round(run.ms), read: run.read, storeRequests: run.storeRequests };
  console.log(`  concurrency ${String(concurrency).padStart(3)}: ${accounts} accounts in ${seconds(run.ms).padStart(8)}   ${run.ms < LAMBDA_LIMIT_MS ? "within" : "OVER"} Lambda's 15 minutes`);
}
const serial = await timedRun(serialAccounts, 1);
const perAccountMs = serial.ms / serialAccounts;
const scaled = perAccountMs * accounts;
console.log(`  concurrency   1: ${serialAccounts} accounts in ${seconds(serial.ms)} (${Math.round(perAccountMs)} ms an account)`);
console.log(`                   scaled to ${accounts} accounts: ~${seconds(scaled)} (MEASURED ON ${serialAccounts}, SCALED)   ${scaled < LAMBDA_LIMIT_MS ? "within" : "OVER"} Lambda's 15 minutes`);
for (const concurrency of concurrencies) console.log(`  speed-up at concurrency ${concurrency}: ${(scaled / (runs[concurrency]?.ms ?? 1)).toFixed(1)}x over concurrency 1 (scaled)`);

const byUsers: Record<number, Record<string, number>> = {};
for (const count of [10, 100, 1000]) byUsers[count] = await callsFor(count);
const totals = Object.fromEntries(Object.entries(byUsers).map(([count, calls]) => [count, Object.values(calls).reduce((sum, value) => sum + value, 0)]));
console.log(`\ncalls per account (one member account's read, sts:AssumeRole included): ${Object.entries(totals).map(([count, total]) => `${total} for ${count} users`).join(", ")}   ${new Set(Object.values(totals)).size === 1 ? "PASS (constant)" : "FAIL (grows with users)"}`);
for (const [operation, count] of Object.entries(byUsers[1000] ?? {})) console.log(`  ${operation.padEnd(40)} ${[10, 100, 1000].map((n) => String(byUsers[n]?.[operation] ?? 0).padStart(4)).join(" ")}`);

await mkdir(join(ROOT, "bench/.data"), { recursive: true });
await writeFile(
  RESULTS,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? "unknown", node: process.versions.node, load1: loadavg()[0] ?? null },
      accounts,
      users,
      latencyMs,
      runs,
      serial: { accounts: serialAccounts, ms: Math.round(serial.ms), perAccountMs: Math.round(perAccountMs), scaledToAccountsMs: Math.round(scaled) },
      callsPerAccount: byUsers,
    },
    null,
    2,
  )}\n`,
);
console.log(`\nwrote ${relative(ROOT, RESULTS)}`);

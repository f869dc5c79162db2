/**
 * Put throughput of the findings writer into on-disk dynalite, as `vigil scan` uses it.
 *   npx tsx packages/store-dynamodb/bench/putThroughput.ts [count=5000] [batch=200] [concurrency=16]
 * Prints findings/s for new findings (batches of `batch`, like the CLI) and for putting them all again.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { createFindingStore } from "../src/index.ts";
import { ensureFindingsTable, startDynalite } from "../src/local/index.ts";

const [count = 5000, batch = 200, concurrency = 16] = process.argv.slice(2).map(Number);

function finding(n: number): Finding {
  const time = new Date(Date.parse("2026-11-01T00:00:00Z") + n * 1000).toISOString().replace(".000Z", "Z");
  return {
    id: `iam-user-created:${n.toString(16).padStart(24, "0")}`,
    ruleId: ["iam-user-created", "access-key-created", "root-activity"][n % 3]!,
    title: "IAM user created",
    severity: (["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFO"] as const)[n % 5]!,
    status: "open",
    eventId: `7d2c9c1e-${n}`,
    eventName: "CreateUser",
    eventSource: "iam.amazonaws.com",
    eventTime: time,
    account: `1111222233${n % 10}3`,
    region: "us-east-1",
    principal: `arn:aws:iam::111122223333:user/user-${n % 50}`,
    resource: `arn:aws:iam::111122223333:user/new-${n}`,
    sourceIPAddress: "203.0.113.7",
    summary: `user-${n % 50} created new-${n}.`,
    description: "A new IAM user is a new long-lived identity that should be expected and owned.",
    remediation: "Confirm the user is expected; prefer roles with temporary credentials.",
    references: [{ framework: "CIS AWS Foundations Benchmark v3.0.0", id: "1.16", title: "Ensure IAM policies are attached only to groups or roles" }],
    detectedAt: "2026-11-30T12:00:00.000Z",
    details: { userName: `new-${n}`, path: "/" },
  };
}

const directory = await mkdtemp(join(tmpdir(), "vigil-bench-"));
const dynalite = await startDynalite({ path: join(directory, "dynamodb") });
try {
  await ensureFindingsTable(dynalite.client, "vigil-findings");
  const { writer } = createFindingStore({ client: dynalite.client, tableName: "vigil-findings", concurrency });
  const findings = Array.from({ length: count }, (_, n) => finding(n));

  const run = async (label: string) => {
    const started = performance.now();
    let created = 0;
    for (let start = 0; start < findings.length; start += batch) created += (await writer.putFindings(findings.slice(start, start + batch))).created.length;
    const seconds = (performance.now() - started) / 1000;
    console.log(`${label}: ${count} findings (${created} created) in ${seconds.toFixed(2)}s = ${Math.round(count / seconds)} findings/s`);
  };
  await run("new     ");
  await run("existing");
} finally {
  await dynalite.close();
  await rm(directory, { recursive: true, force: true });
}

import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "@vigil/cli";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { captureIo } from "../../helpers/io.ts";
import { DAYS, logFile, logKey, ORG, ORG_ACCOUNTS, REGIONS, SINGLE_ACCOUNT, trailLogFiles, trailSideFiles, writeTrail } from "../cloudtrail/orgTrail.ts";
import { downloads, listings, type S3rverHandle, startS3rver } from "../cloudtrail/s3rverServer.ts";

const BUCKET = "org-trail";
const CORRUPT = logKey("444455556666", "us-east-1", "2026/11/19", "1200");
const REFUSED = logKey("777788889999", "eu-west-1", "2026/11/20", "1200");
const KMS_DENIAL =
  "User: arn:aws:sts::999988887777:assumed-role/Auditor/cli is not authorized to perform: kms:Decrypt on resource: " +
  "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab because no identity-based policy allows the kms:Decrypt action";
const ALL_DAYS = ["--since", "2026-11-18", "--until", "2026-11-20T23:59Z"];
const JSON_OUT = ["--format", "json", "--store", "memory"];

/** Findings as a user compares two runs: everything but the time they were made. */
const comparable = (stdout: string) =>
  (JSON.parse(stdout) as Finding[]).map(({ detectedAt: _made, ...finding }) => finding).sort((a, b) => (a.id < b.id ? -1 : 1));
const eventIds = (stdout: string) => [...new Set((JSON.parse(stdout) as Finding[]).map((finding) => finding.eventId))].sort();

// Each spawned CLI takes seconds on a loaded 2-core machine, and some tests spawn two.
describe("CLI: vigil scan s3:// (an organization trail in its bucket, on s3rver)", { timeout: 60_000 }, () => {
  let s3: S3rverHandle;
  let disk: string;
  let quietRoot: string;
  const scanS3 = (args: string[]) => {
    s3.requests.length = 0;
    return runCli(["scan", ...args], { env: s3.env });
  };

  beforeAll(async () => {
    s3 = await startS3rver([BUCKET]);
    const corrupt = { key: CORRUPT, body: Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]) };
    const logs = [...trailLogFiles(), corrupt];
    await s3.put(BUCKET, [...logs, ...trailSideFiles(), { key: REFUSED, body: logFile("777788889999", "eu-west-1", "2026/11/20", "1200", "-refused") }]);
    // As S3 answers a GetObject on an SSE-KMS object whose key policy leaves the caller out.
    s3.refuse(BUCKET, REFUSED, "AccessDenied", KMS_DENIAL);
    disk = tempDir();
    quietRoot = join(tempDir(), "quiet-root.json");
    writeFileSync(quietRoot, JSON.stringify({ rules: { "root-console-login": { enabled: false } } }));
    writeTrail(disk, [...logs, ...trailSideFiles()]);
  });
  afterAll(() => s3?.close());

  it("finds in the bucket what the same files give on disk, reporting the unreadable objects by key and reason", async () => {
    const fromS3 = await scanS3([`s3://${BUCKET}`, ...ALL_DAYS, ...JSON_OUT]);
    const fromDisk = await runCli(["scan", disk, ...JSON_OUT]);

    expect(fromS3.code).toBe(0);
    expect(fromDisk.code).toBe(0);
    expect(comparable(fromS3.stdout)).toEqual(comparable(fromDisk.stdout));
    // 4 accounts x 2 regions x 3 days x 2 deliveries, each file with its own sign-in and user.
    expect(eventIds(fromS3.stdout)).toHaveLength(4 * 2 * 3 * 2 * 2);
    expect(fromS3.stderr).toContain(`s3://${BUCKET}/${CORRUPT}: corrupt gzip`);
    expect(fromS3.stderr).toContain(`s3://${BUCKET}/${REFUSED}: access denied by KMS`);
    expect(fromS3.stderr).toContain("kms:Decrypt");
    expect(fromS3.stderr).toMatch(/Scanned 48 files, 672 events \(0 skipped, 2 unreadable files\)/);
    // On disk the digest and Insights files are left out, not reported as bad records.
    expect(fromDisk.stderr).toMatch(/Scanned 48 files, 672 events \(0 skipped, 1 unreadable file\)/);
    expect(fromS3.stderr).toContain(`Reading s3://${BUCKET}: 8 region folders (4 accounts)`);
  });

  it("lists the layout's folders and then only the day folders in range, never the bucket", async () => {
    await scanS3([`s3://${BUCKET}`, ...ALL_DAYS, ...JSON_OUT]);
    const accounts = [SINGLE_ACCOUNT, ...ORG_ACCOUNTS].map((account) => (account === SINGLE_ACCOUNT ? `AWSLogs/${account}` : `AWSLogs/${ORG}/${account}`));
    const expected = [
      "AWSLogs/ (delimited)",
      `AWSLogs/${ORG}/ (delimited)`,
      ...accounts.map((folder) => `${folder}/CloudTrail/ (delimited)`),
      ...accounts.flatMap((folder) => REGIONS.flatMap((region) => DAYS.map((day) => `${folder}/CloudTrail/${region}/${day}/`))),
    ];
    expect(listings(s3.requests).sort()).toEqual(expected.sort());
    expect(downloads(s3.requests).some((key) => key.includes("CloudTrail-Digest") || key.includes("CloudTrail-Insight"))).toBe(false);
  });

  it("--since/--until/--account/--region read exactly the objects delivered in range, of those accounts and regions", async () => {
    const result = await scanS3([`s3://${BUCKET}/`, "--since", "2026-11-19T12:00Z", "--until", "2026-11-20T12:00Z", "--account", "444455556666", "--region", "us-east-1", ...JSON_OUT]);
    expect(result.code).toBe(0);
    // Eight are read at once, so the order of the requests varies; which objects were fetched does not.
    expect(downloads(s3.requests).sort()).toEqual([CORRUPT, logKey("444455556666", "us-east-1", "2026/11/19", "2355"), logKey("444455556666", "us-east-1", "2026/11/20", "0835")].sort());
    expect(listings(s3.requests)).toEqual([
      "AWSLogs/ (delimited)",
      `AWSLogs/${ORG}/ (delimited)`,
      `AWSLogs/${ORG}/444455556666/CloudTrail/ (delimited)`,
      `AWSLogs/${ORG}/444455556666/CloudTrail/us-east-1/2026/11/19/`,
      `AWSLogs/${ORG}/444455556666/CloudTrail/us-east-1/2026/11/20/`,
    ]);
    expect(eventIds(result.stdout)).toEqual(["root-444455556666-us-east-1-20261119-2355", "root-444455556666-us-east-1-20261120-0835", "user-444455556666-us-east-1-20261119-2355", "user-444455556666-us-east-1-20261120-0835"]);
  });

  it("starts from a deeper prefix (an account, a region's month) and lists nothing above it", async () => {
    const account = await scanS3([`s3://${BUCKET}/AWSLogs/${ORG}/777788889999/`, ...ALL_DAYS, ...JSON_OUT]);
    expect(account.code).toBe(0);
    expect(listings(s3.requests)[0]).toBe(`AWSLogs/${ORG}/777788889999/CloudTrail/ (delimited)`);
    expect(new Set(downloads(s3.requests).map((key) => key.split("/")[2]))).toEqual(new Set(["777788889999"]));
    expect(account.stderr).toMatch(/Scanned 12 files, .* \(0 skipped, 1 unreadable file\)/);

    const month = await scanS3([`s3://${BUCKET}/AWSLogs/${SINGLE_ACCOUNT}/CloudTrail/eu-west-1/2026/11/`, "--since", "2026-11-20", "--until", "2026-11-22", ...JSON_OUT]);
    expect(month.code).toBe(0);
    expect(listings(s3.requests)).toEqual(["2026/11/20", "2026/11/21", "2026/11/22"].map((day) => `AWSLogs/${SINGLE_ACCOUNT}/CloudTrail/eu-west-1/${day}/`));
    expect(downloads(s3.requests)).toHaveLength(2);
  });

  it("with --fail-on, exits 1 on an object it could not read, however clean the rest", async () => {
    // Findings below --fail-on's level only: the unread object alone fails the gate.
    const gated = await scanS3([`s3://${BUCKET}/AWSLogs/${ORG}/777788889999/CloudTrail/eu-west-1/`, ...ALL_DAYS, "--fail-on", "CRITICAL", "--config", quietRoot, ...JSON_OUT]);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain(`s3://${BUCKET}/${REFUSED}: access denied by KMS`);
    expect(gated.stderr).toContain("--fail-on: 1 input could not be read");
    expect(gated.stderr).toMatch(/Scanned 6 files, 84 events \(0 skipped, 1 unreadable file\) in [\d.]+s: 6 findings \(6 MEDIUM\)/);
    const clean = await scanS3([`s3://${BUCKET}/AWSLogs/${ORG}/111122223333/CloudTrail/us-east-1/2026/11/18/`, ...ALL_DAYS, "--fail-on", "CRITICAL", ...JSON_OUT]);
    expect(clean.stderr).toMatch(/Scanned 2 files, .* \(0 skipped\)/);
    expect(clean.code).toBe(1); // root sign-ins without MFA are CRITICAL
  });

  // In-process: these stop before any request, and a spawned CLI costs seconds on a shared machine.
  it.each([
    [["--until", "2026-11-20T08:00"], '--until: "2026-11-20T08:00" has no time zone'],
    [["--since", "2026-02-30"], '--since: "2026-02-30" is no real date or time'],
    [["--since", "2026-11-21", "--until", "2026-11-20"], "--since (2026-11-21T00:00:00.000Z) must be before --until"],
    [["--account", "4444"], '--account: expected a 12-digit AWS account id, got "4444"'],
    [["--region", "Mars"], '--region: expected a region such as us-east-1, got "Mars"'],
  ])("exits 2 on the usage error %j", async (args, message) => {
    const { io, out } = captureIo();
    expect(await main(["scan", `s3://${BUCKET}`, ...args], io)).toBe(2);
    expect(out.stderr).toContain(message);
  });

  it.each([
    [`s3://Not_A_Bucket/`, '"Not_A_Bucket" is not an S3 bucket name'],
    [`s3://${BUCKET}/AWSLogs/${ORG}/111122223333/CloudTrail-Digest/`, "CloudTrail-Digest/ holds no CloudTrail events"],
    [`s3://${BUCKET}/AWSLogs/${ORG}/1111/`, '"1111" is not an account id'],
    [`s3://no-such-bucket/`, "cannot list s3://no-such-bucket/AWSLogs/: no such bucket"],
    [`s3://${BUCKET}/elsewhere/`, "no CloudTrail log folders under it"],
  ])("exits 2 before reading anything on %s", async (url, message) => {
    s3.requests.length = 0;
    const { io, out } = captureIo();
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    try {
      expect(await main(["scan", url, ...ALL_DAYS, "--store", "memory"], io)).toBe(2);
    } finally {
      process.env = saved;
    }
    expect(out.stderr).toContain(message);
    expect(downloads(s3.requests)).toEqual([]);
  });

  it("says which requested accounts have no logs, and reads the others", async () => {
    const result = await scanS3([`s3://${BUCKET}`, ...ALL_DAYS, "--account", "111122223333,999999999999", "--region", "us-east-1", ...JSON_OUT]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`note: no logs for account 999999999999 under s3://${BUCKET}/`);
    expect(result.stderr).toMatch(/Scanned 6 files/);
  });

  it("refuses --until and --account without s3://", async () => {
    const result = await runCli(["scan", join(disk, "AWSLogs"), "--until", "1d"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--until and --account go with s3://");
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { downloads, type S3rverHandle, startS3rver } from "../cloudtrail/s3rverServer.ts";
import { ACCOUNT, archiveFiles, EXPECTED_POLICY, EXPECTED_UNUSED, REGION, ROLE_ARN, WINDOW, writeArchive } from "../../fixtures/least-privilege/generateArchive.ts";

const BUCKET = "lp-trail";
const REFUSED = `AWSLogs/${ACCOUNT}/CloudTrail/${REGION}/2026/11/21/${ACCOUNT}_CloudTrail_${REGION}_20261121T0000Z_refused.json.gz`;

describe("CLI: vigil least-privilege s3:// (the trail in its bucket, on s3rver)", { timeout: 60_000 }, () => {
  let s3: S3rverHandle;
  let policies: string;

  beforeAll(async () => {
    s3 = await startS3rver([BUCKET]);
    const files = archiveFiles();
    await s3.put(BUCKET, [...files, { key: REFUSED, body: files[0]?.body as Buffer }]);
    s3.refuse(BUCKET, REFUSED, "AccessDenied", "Access Denied");
    ({ policies } = writeArchive(tempDir()));
  });
  afterAll(() => s3?.close());

  it("gives what the same files give on disk, reads only the day folders of the window, and reports the object it could not read", async () => {
    const result = await runCli(["least-privilege", `s3://${BUCKET}`, "--principal", ROLE_ARN, ...WINDOW, "--policies", policies, "--format", "json"], { env: s3.env });

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as { proposedPolicy: unknown; unused: { action: string }[]; stats: Record<string, number> };
    expect(report.proposedPolicy).toEqual(EXPECTED_POLICY);
    expect(report.unused.map((entry) => entry.action)).toEqual(EXPECTED_UNUSED);
    expect(result.stderr).toContain(`s3://${BUCKET}/${REFUSED}: access denied`);
    // The October file (the call before --since) is in a day folder the window leaves unlisted.
    expect(downloads(s3.requests).some((key) => key.includes("/2026/10/"))).toBe(false);
    expect(report.stats).toMatchObject({ files: 5, unreadableFiles: 1, matched: 14 });
  });
});

import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../../helpers/cli.ts";

/** The team's real corpora (SOURCE.md in each); outside the repo, so absent from a fresh clone. */
const SHARED_CORPORA = join(REPO, "..", "shared", "data", "cloudtrail");
/** The EC2 instance role the OTRF exfiltration scenario steals credentials from and reads S3 with. */
const WAF_ROLE = "arn:aws:iam::123456789123:role/MordorNginxStack-BankingWAFRole-9S3E0UAE1MM0";

describe("CLI: vigil least-privilege over real records", () => {
  it.skipIf(!existsSync(SHARED_CORPORA))("reads the stolen role's calls in the OTRF dataset, whose records carry no eventTime, and lists exactly them", async () => {
    const result = await runCli(["least-privilege", SHARED_CORPORA, "--principal", WAF_ROLE, "--since", "2015-01-01", "--format", "json"]);

    expect(result.code).toBe(0);
    expect(result.stderr).toBe("");
    const report = JSON.parse(result.stdout) as { used: { action: string; count: number; resources: string[] }[]; proposedPolicy: unknown; stats: Record<string, number> };
    expect(report.used.map(({ action, count, resources }) => ({ action, count, resources }))).toEqual([
      { action: "GetObject", count: 2, resources: ["arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a/ring.txt"] },
      { action: "ListAllMyBuckets", count: 2, resources: [] },
      { action: "ListBucket", count: 7, resources: ["arn:aws:s3:::mordors3stack-s3bucket-llp2yingx64a"] },
    ]);
    expect(report.stats).toMatchObject({ events: 190, matched: 11, untimed: 11, skipped: 0 });
  });
});

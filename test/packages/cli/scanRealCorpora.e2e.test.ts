import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { REPO, runCli } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";

/** The team's real corpora (SOURCE.md in each); outside the repo, so absent from a fresh clone. */
const SHARED_CORPORA = join(REPO, "..", "shared", "data", "cloudtrail");

const countByRule = (stdout: string) => {
  const counts: Record<string, number> = {};
  for (const finding of JSON.parse(stdout) as Finding[]) counts[`${finding.ruleId} ${finding.severity}`] = (counts[`${finding.ruleId} ${finding.severity}`] ?? 0) + 1;
  return counts;
};

describe("CLI: vigil scan over real records", () => {
  it.skipIf(!existsSync(SHARED_CORPORA))("reads every record of the three shared corpora and reports what they hold", async () => {
    const result = await runCli(["scan", SHARED_CORPORA, "--format", "json", "--store", "memory"]);

    expect(result.stderr).toMatch(/Scanned 3 files, 190 events \(0 skipped\) in [\d.]+s: 59 findings/);
    expect(countByRule(result.stdout)).toEqual({
      // sentinel-consolelogin: 4 root sign-ins with MFA; hhieon-root-misuse: 1 more.
      "root-console-login HIGH": 5,
      // sentinel-consolelogin: CATTeamIDC 35 and AWSTCSuser 11 signed in with a password alone.
      "console-login-without-mfa MEDIUM": 46,
      // hhieon-root-misuse: root creates scenario1-admin, attaches AdministratorAccess to it, creates its key.
      "root-activity HIGH": 3,
      "iam-user-created MEDIUM": 1,
      "admin-policy-attached CRITICAL": 1,
      "inline-policy-on-user LOW": 1,
      "access-key-created HIGH": 1,
      // The same three calls as one story: created and made admin in the same second (its key, four minutes later, came after the finding).
      "admin-backdoor-sequence CRITICAL": 1,
      // otrf (S3 exfiltration with a stolen instance role) changes no IAM, and CATTeamIDC's 4 failures stay under the threshold of 5.
    });
  });

  it("reads every record shape in test/fixtures/records: none is skipped", async () => {
    const result = await runCli(["scan", join(FIXTURES, "records"), "--format", "json", "--store", "memory"]);

    expect(result.stderr).toMatch(/Scanned 5 files, 5 events \(0 skipped\)/);
    expect(result.stderr).not.toMatch(/invalid record/);
    expect(countByRule(result.stdout)).toEqual({ "root-activity HIGH": 1, "identity-provider-changed HIGH": 1 });
  });
});

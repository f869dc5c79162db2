import { IAMServiceException, ListServerCertificatesCommand } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSServiceException } from "@aws-sdk/client-sts";
import { main } from "@vigil/cli";
import type { Finding } from "@vigil/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureIo } from "../../helpers/io.ts";
import { mockLiveAccount } from "./postureAccount.ts";

const NOW = "2026-11-22T12:00:00.000Z";
const LIVE = ["posture", "--region", "us-east-1", "--store", "memory", "--format", "json"];

/** What a reader checks first: which check, about what. */
const found = (stdout: string) =>
  (JSON.parse(stdout) as Finding[]).map((finding) => `${finding.ruleId} ${finding.severity} ${finding.resource}`).sort();

describe("CLI: vigil posture (live account)", () => {
  let mocks: ReturnType<typeof mockLiveAccount>;
  beforeEach(() => {
    // Only Date is faked: the SDK's own timers keep running.
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date(NOW));
    mocks = mockLiveAccount();
  });
  afterEach(() => {
    vi.useRealTimers();
    for (const mock of Object.values(mocks)) mock.restore();
  });

  it("checks the account the credentials belong to, from IAM and CloudTrail, and prints every check's findings", async () => {
    const { io, out } = captureIo();
    const code = await main(LIVE, io);

    expect(code).toBe(0);
    expect(found(out.stdout)).toEqual(
      [
        "access-key-not-rotated MEDIUM arn:aws:iam::111122223333:user/automation/ci-deployer",
        "access-key-not-rotated MEDIUM arn:aws:iam::111122223333:user/backup-agent",
        "admin-policy-in-use HIGH arn:aws:iam::111122223333:policy/teams/ops-admin",
        "expired-server-certificates LOW arn:aws:iam::111122223333:server-certificate/cloudfront/legacy-www",
        "multiple-active-access-keys LOW arn:aws:iam::111122223333:user/automation/ci-deployer",
        "user-has-direct-policies LOW arn:aws:iam::111122223333:policy/ci-deploy",
        "user-has-direct-policies LOW arn:aws:iam::aws:policy/AdministratorAccess",
        // The unused-access checks, from the authorization details and Access Advisor's answer.
        "admin-unused HIGH arn:aws:iam::111122223333:user/ana",
        "role-unused LOW arn:aws:iam::111122223333:role/report-builder",
        "unused-services HIGH arn:aws:iam::111122223333:role/aws-support",
        "unused-services HIGH arn:aws:iam::111122223333:user/automation/ci-deployer",
        "unused-services HIGH arn:aws:iam::111122223333:user/backup-agent",
      ].sort(),
    );
    const findings = JSON.parse(out.stdout) as Finding[];
    expect(new Set(findings.map((finding) => `${finding.account} ${finding.region} ${finding.detectedAt}`))).toEqual(new Set([`111122223333 us-east-1 ${NOW}`]));
    expect(mocks.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
    expect(out.stderr).not.toContain("Skipped");
    expect(out.stderr).toMatch(/^Checked account 111122223333 in us-east-1 \(29 API calls\) in [\d.]+s: 18 checks run, 0 skipped: 12 findings \(5 HIGH, 2 MEDIUM, 5 LOW\)\n$/);
  });

  it("reports a part the credentials may not read, skips only the check that needs it, and still prints the rest", async () => {
    const denied = "User: arn:aws:iam::111122223333:user/security/auditor is not authorized to perform: iam:ListServerCertificates on resource: arn:aws:iam::111122223333:server-certificate/";
    mocks.iam
      .on(ListServerCertificatesCommand)
      .rejects(new IAMServiceException({ name: "AccessDenied", $fault: "client", message: denied, $metadata: { httpStatusCode: 403 } }));
    const { io, out } = captureIo();
    const code = await main(LIVE, io);

    expect(code).toBe(0);
    expect(out.stderr).toContain(`Could not read 1 part of the account:\n  serverCertificates: iam:ListServerCertificates: AccessDenied: ${denied}\n`);
    expect(out.stderr).toMatch(/Skipped 1 check:\n {2}expired-server-certificates {2}needs the server certificates/);
    expect(out.stderr).not.toContain("Offline");
    const rules = found(out.stdout).map((line) => line.split(" ")[0]);
    expect(rules).not.toContain("expired-server-certificates");
    expect(rules).toContain("admin-policy-in-use");
    expect(out.stderr).toMatch(/17 checks run, 1 skipped: 11 findings/);
  });

  it("exits 3 naming GetCallerIdentity when the credentials are refused, before reading IAM", async () => {
    mocks.sts.on(GetCallerIdentityCommand).rejects(
      new STSServiceException({ name: "ExpiredToken", $fault: "client", message: "The security token included in the request is expired", $metadata: { httpStatusCode: 403 } }),
    );
    const { io, out } = captureIo();
    const code = await main(LIVE, io);

    expect(code).toBe(3);
    expect(out.stderr).toBe("vigil posture: cannot tell which account the credentials are for: sts:GetCallerIdentity: The security token included in the request is expired\n");
    expect(out.stdout).toBe("");
    expect(mocks.iam.calls()).toHaveLength(0);
  });
});

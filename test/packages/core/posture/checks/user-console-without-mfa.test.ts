import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, reportWith, snapshot, user } from "../snapshot.ts";

const ID = "user-console-without-mfa";

describe("Check: user-console-without-mfa", () => {
  it("reports only the users with a password and no MFA (bob), not those with MFA or no password", () => {
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(findings.map(({ severity, principal, resource, summary, details }) => ({ severity, principal, resource, summary, details }))).toEqual([
      {
        severity: "HIGH",
        principal: user("bob"),
        resource: user("bob"),
        summary: "IAM user bob has a console password (last used 120 days ago) and no MFA device.",
        details: { passwordEnabled: true, mfaActive: false, passwordLastUsed: "2026-07-25T10:00:00+00:00" },
      },
    ]);
  });

  it("says when the password was never used", () => {
    const dave =
      "dave,arn:aws:iam::111122223333:user/dave,2022-01-03T12:00:00+00:00,true,no_information,2026-09-01T12:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ dave }) }));
    expect(findings.map((finding) => finding.summary)).toContain("IAM user dave has a console password (never used) and no MFA device.");
  });
});

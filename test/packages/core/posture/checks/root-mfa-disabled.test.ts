import { describe, expect, it } from "vitest";
import { accountSummary, credentialReport, findingsOf, ROOT, reportWith, run, snapshot } from "../snapshot.ts";

const ID = "root-mfa-disabled";
const ROOT_WITH_MFA =
  "<root_account>,arn:aws:iam::111122223333:root,2019-03-01T09:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

describe("Check: root-mfa-disabled", () => {
  it("reports root without MFA from the credential report", () => {
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(findings.map(({ severity, principal, resource, summary, details }) => ({ severity, principal, resource, summary, details }))).toEqual([
      {
        severity: "CRITICAL",
        principal: ROOT,
        resource: ROOT,
        summary: "The root user has no MFA device: its password alone signs in with every permission.",
        details: { mfaActive: false },
      },
    ]);
  });

  it("reads AccountMFAEnabled from the account summary, which decides over the report", () => {
    expect(findingsOf(ID, snapshot({ accountSummary: accountSummary("root-exposed") }))[0]?.details).toEqual({ accountMFAEnabled: 0 });
    expect(findingsOf(ID, snapshot({ accountSummary: accountSummary("root-secured"), credentialReportCsv: credentialReport() }))).toEqual([]);
  });

  it("is silent when the report's root row has MFA", () => {
    expect(findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": ROOT_WITH_MFA }) }))).toEqual([]);
  });

  it("is skipped, naming both sources, when the snapshot has neither", () => {
    expect(run(snapshot()).skipped).toContainEqual({
      checkId: ID,
      reason: "needs the account summary (absent from the snapshot) or the credential report (absent from the snapshot)",
    });
  });
});

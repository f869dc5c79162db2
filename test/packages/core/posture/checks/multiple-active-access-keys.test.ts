import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, snapshot, user } from "../snapshot.ts";

const ID = "multiple-active-access-keys";

describe("Check: multiple-active-access-keys", () => {
  it("reports a user with both keys active (bob), not one with an active and an inactive key (carol)", () => {
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(findings.map(({ severity, principal, summary }) => ({ severity, principal, summary }))).toEqual([
      { severity: "LOW", principal: user("bob"), summary: "IAM user bob has 2 active access keys: access key 1 (80 days old) and access key 2 (45 days old)." },
    ]);
    expect(findings[0]?.details?.keys).toHaveLength(2);
  });
});

import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, ROOT, reportWith, snapshot, summaries } from "../snapshot.ts";

const ID = "root-used-recently";
const rootRow = (passwordLastUsed: string, keyLastUsed: string) =>
  `<root_account>,arn:aws:iam::111122223333:root,2019-03-01T09:00:00+00:00,not_supported,${passwordLastUsed},not_supported,not_supported,false,true,2023-06-01T10:00:00+00:00,${keyLastUsed},us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A`;

describe("Check: root-used-recently", () => {
  it("reports each root credential used within 30 days, with when and where", () => {
    const findings = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(summaries(findings)).toEqual([
      "The root user's password was used 3 days ago (2026-11-19T08:00:00+00:00).",
      "The root user's access key 1 was used 10 days ago (2026-11-12T07:30:00+00:00, s3 in us-east-1).",
    ]);
    expect(findings.every((finding) => finding.severity === "HIGH" && finding.principal === ROOT)).toBe(true);
  });

  it("counts the window in whole days: a use 10 days ago is outside a 10-day window and inside an 11-day one", () => {
    const report = snapshot({ credentialReportCsv: credentialReport() });
    expect(findingsOf(ID, report, { config: { rules: { [ID]: { windowDays: 10 } } } }).map((f) => f.details?.credential)).toEqual(["password"]);
    expect(findingsOf(ID, report, { config: { rules: { [ID]: { windowDays: 11 } } } }).map((f) => f.details?.credential)).toEqual(["password", "key1"]);
  });

  it("makes a new finding for a new use and keeps the id of a use already reported", () => {
    const before = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    const after = findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": rootRow("2026-11-22T09:00:00+00:00", "2026-11-12T07:30:00+00:00") }) }));
    expect(after[0]?.summary).toBe("The root user's password was used today (2026-11-22T09:00:00+00:00).");
    expect(after[0]?.id).not.toBe(before[0]?.id);
    expect(after[1]?.id).toBe(before[1]?.id);
  });

  it("is silent when root was never used or last used 30 days ago or more", () => {
    expect(findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": rootRow("no_information", "N/A") }) }))).toEqual([]);
    expect(
      findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": rootRow("2026-10-23T12:00:00+00:00", "2025-01-01T00:00:00+00:00") }) })),
    ).toEqual([]);
  });
});

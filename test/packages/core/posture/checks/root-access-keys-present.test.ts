import { describe, expect, it } from "vitest";
import { accountSummary, credentialReport, findingsOf, ROOT, reportWith, snapshot, summaries } from "../snapshot.ts";

const ID = "root-access-keys-present";
const ROOT_WITHOUT_KEYS =
  "<root_account>,arn:aws:iam::111122223333:root,2019-03-01T09:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";

describe("Check: root-access-keys-present", () => {
  it("reports the root key the credential report shows, with its age and last use", () => {
    const [finding, ...rest] = findingsOf(ID, snapshot({ credentialReportCsv: credentialReport() }));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      severity: "CRITICAL",
      principal: ROOT,
      resource: ROOT,
      summary: "The root user has an access key: key 1 (active, 1270 days old, last used 10 days ago).",
      details: {
        keys: [
          {
            slot: 1,
            active: true,
            lastRotated: "2023-06-01T10:00:00+00:00",
            lastUsedDate: "2026-11-12T07:30:00+00:00",
            lastUsedRegion: "us-east-1",
            lastUsedService: "s3",
          },
        ],
      },
    });
  });

  it("lets the live account summary decide over an older report", () => {
    expect(findingsOf(ID, snapshot({ credentialReportCsv: credentialReport(), accountSummary: accountSummary("root-secured") }))).toEqual([]);
    const fromSummary = findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": ROOT_WITHOUT_KEYS }), accountSummary: accountSummary("root-exposed") }));
    expect(summaries(fromSummary)).toEqual(["The root user has an access key (the account summary's AccountAccessKeysPresent is set)."]);
    expect(fromSummary[0]?.details).toEqual({ accountAccessKeysPresent: 1, keys: [] });
  });

  it("runs on the account summary alone", () => {
    expect(findingsOf(ID, snapshot({ accountSummary: accountSummary("root-exposed") }))).toHaveLength(1);
    expect(findingsOf(ID, snapshot({ accountSummary: accountSummary("root-secured") }))).toEqual([]);
  });

  it("is silent when the report's root row has no key", () => {
    expect(findingsOf(ID, snapshot({ credentialReportCsv: reportWith({ "<root_account>": ROOT_WITHOUT_KEYS }) }))).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { authorizationDetails, credentialReport, findingsOf, reportWith, snapshot, summaries, user } from "../snapshot.ts";

const unused = (csv = credentialReport(), details = authorizationDetails()) => findingsOf("user-unused", snapshot({ credentialReportCsv: csv, authorizationDetails: details }));

describe("Check: user-unused", () => {
  it("reports a user with no sign-in or key use for 90 days that still holds a policy, through its group", () => {
    const findings = unused();
    expect(summaries(findings)).toEqual([
      "IAM user dave has never signed in or used an access key in the 1784 days since it was created (2022-01-03T12:00:00+00:00) and still holds 1 policy: developer-read (group developers).",
    ]);
    expect(findings[0]).toMatchObject({ principal: user("dave"), severity: "MEDIUM" });
    expect(findings[0]?.details).toMatchObject({ lastUsed: null, passwordEnabled: true, activeAccessKeys: [], groups: ["developers"], policies: ["developer-read (group developers)"] });
  });

  it("takes the latest of console and key use, and leaves a user without any policy alone", () => {
    // bob: password last used 120 days ago, key 1 two days ago: in use.
    expect(unused().some((finding) => finding.principal === user("bob"))).toBe(false);
    const stale = reportWith({
      bob: "bob,arn:aws:iam::111122223333:user/bob,2023-05-02T14:00:00+00:00,true,2026-07-25T10:00:00+00:00,2023-05-02T14:00:00+00:00,N/A,false,true,2023-05-02T14:05:00+00:00,2026-08-01T11:00:00+00:00,eu-west-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    });
    const bob = unused(stale).find((finding) => finding.principal === user("bob"));
    expect(bob?.summary).toBe("IAM user bob has not signed in or used an access key for 113 days (last access key 1 use 2026-08-01T11:00:00+00:00) and still holds 1 policy: ReadOnlyAccess.");
    // carol holds nothing: her dormancy is credentials-unused's to report, not this check's.
    const idle = reportWith({ carol: "carol,arn:aws:iam::111122223333:user/carol,2025-01-01T08:00:00+00:00,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A" });
    expect(unused(idle).some((finding) => finding.principal === user("carol"))).toBe(false);
  });

  it("finds a user under a path by its ARN, and follows the configured window", () => {
    const frank = reportWith({
      frank: "frank,arn:aws:iam::111122223333:user/engineering/frank,2025-02-01T08:00:00+00:00,false,N/A,N/A,N/A,false,true,2025-02-01T08:00:00+00:00,2026-05-01T10:00:00+00:00,eu-west-1,codebuild,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
    });
    expect(unused(frank).find((finding) => finding.principal === "arn:aws:iam::111122223333:user/engineering/frank")?.summary).toMatch(/^IAM user frank has not signed in or used an access key for 205 days .* still holds 1 policy: frank-ci\.$/);
    const patient = findingsOf("user-unused", snapshot({ credentialReportCsv: credentialReport(), authorizationDetails: authorizationDetails() }), { config: { rules: { "user-unused": { maxUnusedDays: 400 } } } });
    expect(patient.map((finding) => finding.principal)).toEqual([user("dave")]);
    const never = findingsOf("user-unused", snapshot({ credentialReportCsv: credentialReport(), authorizationDetails: authorizationDetails() }), { now: new Date("2022-02-01T00:00:00Z") });
    expect(never).toEqual([]);
  });
});

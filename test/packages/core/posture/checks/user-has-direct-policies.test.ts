import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, snapshot, user } from "../snapshot.ts";

const ID = "user-has-direct-policies";
const attachments = [
  { policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", userName: "frank" },
  { policyArn: "arn:aws:iam::111122223333:policy/deploy-lambda", userName: "bob", userArn: "arn:aws:iam::111122223333:user/bob" },
];

describe("Check: user-has-direct-policies", () => {
  it("reports each managed policy attached to a user, the user's ARN taken from the report when the listing lacks it", () => {
    const findings = findingsOf(ID, snapshot({ userPolicyAttachments: attachments, credentialReportCsv: credentialReport() }));
    expect(findings.map(({ severity, principal, resource, summary }) => ({ severity, principal, resource, summary }))).toEqual([
      {
        severity: "LOW",
        principal: user("engineering/frank"),
        resource: "arn:aws:iam::aws:policy/ReadOnlyAccess",
        summary: "IAM user frank has the managed policy ReadOnlyAccess attached directly instead of through a group.",
      },
      {
        severity: "LOW",
        principal: user("bob"),
        resource: "arn:aws:iam::111122223333:policy/deploy-lambda",
        summary: "IAM user bob has the managed policy deploy-lambda attached directly instead of through a group.",
      },
    ]);
  });

  it("keeps the same ids whether or not the report is there to give the user's path", () => {
    const withReport = findingsOf(ID, snapshot({ userPolicyAttachments: attachments, credentialReportCsv: credentialReport() }));
    const withoutReport = findingsOf(ID, snapshot({ userPolicyAttachments: attachments }));
    expect(withoutReport[0]?.principal).toBe(user("frank"));
    expect(withoutReport.map((finding) => finding.id)).toEqual(withReport.map((finding) => finding.id));
  });

  it("is silent when no policy is attached to a user", () => {
    expect(findingsOf(ID, snapshot({ userPolicyAttachments: [] }))).toEqual([]);
  });
});

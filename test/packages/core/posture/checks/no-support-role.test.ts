import { describe, expect, it } from "vitest";
import { findingsOf, ROOT, snapshot } from "../snapshot.ts";

const ID = "no-support-role";

describe("Check: no-support-role", () => {
  it("reports an account where no role has AWSSupportAccess", () => {
    const findings = findingsOf(ID, snapshot({ supportRoles: [] }));
    expect(findings.map(({ severity, principal, resource, summary }) => ({ severity, principal, resource, summary }))).toEqual([
      {
        severity: "LOW",
        principal: ROOT,
        resource: ROOT,
        summary: "No IAM role has the AWSSupportAccess policy, so there is no role for handling incidents with AWS Support.",
      },
    ]);
  });

  it("is silent when a role has it", () => {
    expect(findingsOf(ID, snapshot({ supportRoles: ["arn:aws:iam::111122223333:role/incident-support"] }))).toEqual([]);
  });
});

import type { CustomerPolicy } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { findingsOf, ROOT, run, snapshot } from "../snapshot.ts";

const ID = "admin-policy-in-use";
const policy = (name: string, document: unknown, attachmentCount = 1): CustomerPolicy => ({
  arn: `arn:aws:iam::111122223333:policy/${name}`,
  name,
  defaultVersionId: "v3",
  attachmentCount,
  document: typeof document === "string" ? document : JSON.stringify(document),
});

describe("Check: admin-policy-in-use", () => {
  it("reports a policy allowing * on * written as a single statement object", () => {
    const findings = findingsOf(ID, snapshot({ customerPolicies: [policy("AdminAll", { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "*", Resource: "*" } }, 3)] }));
    expect(findings.map(({ severity, principal, resource, summary, details }) => ({ severity, principal, resource, summary, details }))).toEqual([
      {
        severity: "HIGH",
        principal: ROOT,
        resource: "arn:aws:iam::111122223333:policy/AdminAll",
        summary: "Customer-managed policy AdminAll allows every action on every resource, and is attached to 3 users, groups or roles.",
        details: { policyName: "AdminAll", defaultVersionId: "v3", attachmentCount: 3, statements: [{ index: 0, sid: undefined }], conditional: false },
      },
    ]);
  });

  it("reports the same grant written as a statement list with *:*, and says when a condition limits it", () => {
    const listed = policy("Ops", {
      Version: "2012-10-17",
      Statement: [
        { Sid: "Read", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::logs/*"] },
        { Sid: "Everything", Effect: "Allow", Action: ["*:*"], Resource: ["*"], Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } },
      ],
    });
    const [finding] = findingsOf(ID, snapshot({ customerPolicies: [listed] }));
    expect(finding?.summary).toBe(
      "Customer-managed policy Ops allows every action on every resource when its condition on aws:SourceIp holds, and is attached to 1 user, group or role.",
    );
    expect(finding?.details).toMatchObject({ statements: [{ index: 1, sid: "Everything" }], conditional: true });
  });

  it("is silent on a broad but bounded policy, and on an admin policy attached to nothing", () => {
    const s3Only = policy("S3Admin", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] });
    const unattached = policy("Unused", { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] }, 0);
    expect(findingsOf(ID, snapshot({ customerPolicies: [s3Only, unattached] }))).toEqual([]);
  });

  it("skips an unreadable document, naming the policy, and still checks the others", () => {
    const broken = policy("Broken", "{not json");
    const admin = policy("AdminAll", { Statement: { Effect: "Allow", Action: "*", Resource: "*" } });
    const result = run(snapshot({ customerPolicies: [broken, admin] }));
    expect(result.findings.filter((finding) => finding.ruleId === ID).map((finding) => finding.resource)).toEqual([admin.arn]);
    const skipped = result.skipped.filter((entry) => entry.checkId === ID);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.reason).toMatch(/^arn:aws:iam::111122223333:policy\/Broken: not valid JSON/);
  });
});

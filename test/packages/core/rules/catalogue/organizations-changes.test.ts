import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/organizations-changes";
const RULE = "organizations-changes";
const SAM = "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_4f2a9c1e7b3d5a60/sam.ortiz@example.com";

describe("Rule: organizations-changes", () => {
  it.each([
    [
      "positive-leave-organization.json",
      "CRITICAL",
      "arn:aws:iam::111122223333:root",
      "arn:aws:sts::111122223333:assumed-role/OrganizationAccountAccessRole/mallory took the account 111122223333 out of its organization: no service control policy applies to it any more.",
    ],
    [
      "positive-disable-scp-policy-type.json",
      "CRITICAL",
      "arn:aws:organizations::111122223333:root/o-a1b2c3d4e5/r-ab12",
      `${SAM} disabled the policy type SERVICE_CONTROL_POLICY in the organization root r-ab12: no such policy applies anywhere in the organization any more.`,
    ],
    [
      "positive-detach-scp-eventbridge.json",
      "HIGH",
      "p-7kq2x9ab",
      `${SAM} detached the organization policy p-7kq2x9ab from ou-ab12-3cd4ef56.`,
    ],
    [
      "positive-remove-account.json",
      "HIGH",
      "arn:aws:iam::444455556666:root",
      `${SAM} removed the account 444455556666 from the organization: no service control policy applies to it any more.`,
    ],
  ])("reports %s as %s", async (file, severity, resource, summary) => {
    const findings = await findingsOf(RULE, `${DIR}/${file}`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity, resource, summary });
    expect(findings[0]?.references.map((r) => r.id)).toContain("4.15");
  });

  it("reports disabling a policy type that is no guardrail as MEDIUM, on the root id when AWS returns no root", async () => {
    const record = loadFixture<Record<string, unknown>>(`${DIR}/positive-disable-scp-policy-type.json`);
    const tagPolicies = { ...record, requestParameters: { rootId: "r-ab12", policyType: "TAG_POLICY" }, responseElements: null };

    const findings = (await evaluateValue(tagPolicies)).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => [f.severity, f.resource, f.summary])).toEqual([
      ["MEDIUM", "r-ab12", `${SAM} disabled the policy type TAG_POLICY in the organization root r-ab12.`],
    ]);
  });

  it.each(["negative-detach-full-aws-access.json", "negative-leave-denied-eventbridge.json", "negative-attach-policy.json"])(
    "stays quiet on %s",
    async (file) => {
      expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
    },
  );

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-leave-organization.json`, { config })).toEqual([]);
  });
});

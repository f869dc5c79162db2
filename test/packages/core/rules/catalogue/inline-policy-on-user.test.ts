import { describe, expect, it } from "vitest";
import { evaluateFixture, findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/inline-policy-on-user";
const RULE = "inline-policy-on-user";

describe("Rule: inline-policy-on-user", () => {
  it("reports an inline policy put on a user as MEDIUM, naming the policy and the user", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-put-user-policy.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:user/maria",
      summary:
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_4f2a9c1e7b3d5a60/sam.ortiz@example.com put the inline policy reports-read on the IAM user maria.",
      details: { inline: true, policyName: "reports-read" },
    });
    expect(findings[0]?.references.map((r) => r.id)).toContain("1.15");
  });

  it("reports a managed policy attached directly to a user as LOW", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-attach-managed-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "LOW",
      resource: "arn:aws:iam::111122223333:user/maria",
      summary:
        "arn:aws:iam::111122223333:user/ci-deployer attached the managed policy arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess directly to the IAM user maria.",
    });
  });

  it("leaves AWS's quarantine of a leaked key to access-key-exposed-quarantine", async () => {
    const findings = await evaluateFixture(`${DIR}/negative-aws-quarantine.json`);

    expect(findings.map((f) => f.ruleId)).toEqual(["access-key-exposed-quarantine"]);
  });

  it.each(["negative-access-denied.json", "negative-attach-to-group.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-put-user-policy.json`, { config })).toEqual([]);
  });
});

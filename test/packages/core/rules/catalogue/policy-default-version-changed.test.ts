import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/policy-default-version-changed";
const RULE = "policy-default-version-changed";

describe("Rule: policy-default-version-changed", () => {
  it("reports the new default version on the policy", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-rollback.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:policy/ci-deploy",
      summary: "arn:aws:iam::111122223333:user/ci-deployer made version v2 the default of the policy arn:aws:iam::111122223333:policy/ci-deploy.",
      details: { versionId: "v2" },
    });
  });

  it("keeps the policy's path in the resource", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-console-eventbridge.json`);

    expect(finding?.resource).toBe("arn:aws:iam::111122223333:policy/data/analytics-read");
  });

  it.each(["negative-access-denied.json", "negative-create-policy-version.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("takes a configured severity, and stays quiet when disabled", async () => {
    const file = `${DIR}/positive-rollback.json`;

    expect((await findingsOf(RULE, file, { config: { rules: { [RULE]: { severity: "HIGH" } } } })).map((f) => f.severity)).toEqual(["HIGH"]);
    expect(await findingsOf(RULE, file, { config: { rules: { [RULE]: { enabled: false } } } })).toEqual([]);
  });
});

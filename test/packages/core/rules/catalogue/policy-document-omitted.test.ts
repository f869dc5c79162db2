import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";
import { policyFindings } from "../../../../helpers/policy.ts";

const DIR = "rules/policy-document-omitted";
const RULE = "policy-document-omitted";

describe("Rule: policy-document-omitted", () => {
  it("reports a policy CloudTrail left out as too large as HIGH, with its size", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-padded-role-policy.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      eventName: "PutRolePolicy",
      resource: "arn:aws:iam::111122223333:role/<unknown>",
      summary:
        "arn:aws:iam::111122223333:user/legacy-backup called PutRolePolicy on arn:aws:iam::111122223333:role/<unknown>, but CloudTrail omitted its request parameters as too large (118204 bytes), so the policyDocument could not be checked.",
      details: { problem: { kind: "omitted", reason: "requestParameters too large", originalSize: 118204 } },
    });
    expect(finding?.references.map((reference) => reference.id)).toEqual(["4.4", "T1562.008", "T1098.003"]);
  });

  it("names the new managed policy from the response when the request was omitted", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-padded-create-policy-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:policy/ReadOnlyHelper" });
  });

  it("reports a record without requestParameters as MEDIUM", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-null-request-parameters.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      summary:
        "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz called UpdateAssumeRolePolicy on arn:aws:iam::111122223333:role/<unknown>, but the record carries no policyDocument, so it could not be checked.",
    });
  });

  it("reports a document that does not parse as MEDIUM, and no other policy rule fires on it", async () => {
    const record = loadFixture<{ Records: Record<string, any>[] }>(`${DIR}/negative-document-present.json`).Records[0] as Record<string, any>;
    record.requestParameters.policyDocument = '{\n    "Version": "2012-10-17",\n    "Statement": [\n        {\n            "Effect": "Allow",\n            "Action": "*"';

    const findings = policyFindings(await evaluateValue(record));

    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([[RULE, "MEDIUM"]]);
    expect(findings[0]?.summary).toMatch(/but its policyDocument is not a readable IAM policy \(not valid JSON \(.+\)\), so it could not be checked\.$/);
  });

  it.each(["negative-document-present.json", "negative-too-large-and-refused.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});

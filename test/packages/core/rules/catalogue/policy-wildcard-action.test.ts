import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/policy-wildcard-action";
const RULE = "policy-wildcard-action";

describe("Rule: policy-wildcard-action", () => {
  it("reports IAM:* on a group as HIGH, on the group's ARN", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-iam-star-on-group-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:group/platform-team",
      summary: "arn:aws:iam::111122223333:user/maria wrote the inline policy identity-admin on arn:aws:iam::111122223333:group/platform-team, which allows IAM:* (every iam action) on *.",
      details: { wildcards: [{ statement: { index: 0 }, pattern: "IAM:*", kind: "service", services: ["iam"] }], policyName: "identity-admin" },
    });
  });

  it("reports * on a bucket as HIGH, naming the resources", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-all-actions-on-bucket.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:policy/data-lake-owner",
      summary:
        "arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions created the managed policy arn:aws:iam::111122223333:policy/data-lake-owner, which allows every action (*) on arn:aws:s3:::example-data-lake, arn:aws:s3:::example-data-lake/*.",
    });
  });

  it("reports s3:?* as MEDIUM", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-s3-question-star-version.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:policy/analytics-writer",
      summary:
        "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz created a new default version of arn:aws:iam::111122223333:policy/analytics-writer, which allows s3:?* (every s3 action) on arn:aws:s3:::example-analytics/*.",
    });
  });

  it.each(["negative-already-full-admin.json", "negative-deny-covers-wildcard.json", "negative-partial-wildcards.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});

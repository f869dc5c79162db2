import { catalogue, type EventRule, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/policy-notaction-allow";
const RULE = "policy-notaction-allow";
const rule = catalogue.find((candidate) => candidate.meta.id === RULE) as EventRule;

describe("Rule: policy-notaction-allow", () => {
  it("reports a PowerUserAccess clone as MEDIUM: it keeps IAM out", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-power-user-clone.json`);

    expect(finding).toMatchObject({ severity: "MEDIUM", resource: "arn:aws:iam::111122223333:policy/developer-power-user" });
    expect(finding?.summary).toMatch(
      /^arn:aws:sts::111122223333:assumed-role\/AdminAccess\/sam\.ortiz created the managed policy arn:aws:iam::111122223333:policy\/developer-power-user, which allows every action except iam:\*, organizations:\*, account:\* \(\d+ actions\) on \*\.$/,
    );
    expect(finding?.details).toMatchObject({ statements: [{ index: 0, notAction: ["iam:*", "organizations:*", "account:*"], grantsIam: false }] });
  });

  it("reports a NotAction that still grants IAM as HIGH, on the user's ARN, naming the NotResource", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-notaction-keeps-iam-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:user/contractor-ana" });
    expect(finding?.summary).toMatch(/which allows every action except s3:DeleteBucket, s3:DeleteObject\*, rds:Delete\* \(\d+ actions\) on every resource except arn:aws:s3:::example-audit-logs\/\*\.$/);
  });

  it("works without an action index, without the count", () => {
    const event = parseEvent(loadFixture<{ Records: unknown[] }>(`${DIR}/positive-power-user-clone.json`).Records[0]);
    const context = { params: {}, settings: { trustedAccounts: [], privilegedGroupPatterns: [] }, account: "111122223333" };

    expect(rule.evaluate(event, context)).toMatchObject({
      summary: expect.stringMatching(/which allows every action except iam:\*, organizations:\*, account:\* on \*\.$/),
    });
  });

  it.each(["negative-force-mfa-deny.json", "negative-notaction-full-admin.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});

import { catalogue, type EventRule, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";
import { policyFindings } from "../../../../helpers/policy.ts";

const DIR = "rules/policy-grants-full-admin";
const RULE = "policy-grants-full-admin";
const rule = catalogue.find((candidate) => candidate.meta.id === RULE) as EventRule;

describe("Rule: policy-grants-full-admin", () => {
  it("reports a managed policy allowing * on * as CRITICAL, on the policy's ARN", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-create-policy-star.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      eventName: "CreatePolicy",
      principal: "arn:aws:iam::111122223333:user/legacy-backup",
      resource: "arn:aws:iam::111122223333:policy/backup-maintenance",
      summary:
        "arn:aws:iam::111122223333:user/legacy-backup created the managed policy arn:aws:iam::111122223333:policy/backup-maintenance, which allows every action on every resource.",
      details: { statements: [{ index: 0, sid: "Maintenance" }], conditional: false, policyName: "backup-maintenance" },
    });
    expect(findings[0]?.references.map((reference) => reference.id)).toEqual(["1.16", "4.4", "T1098.003"]);
  });

  it("reports *:* in an inline role policy on the role's ARN, from EventBridge", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-inline-role-policy-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      resource: "arn:aws:iam::111122223333:role/app-runtime",
      summary:
        "arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions wrote the inline policy runtime-permissions on arn:aws:iam::111122223333:role/app-runtime, which allows every action on every resource.",
    });
  });

  it("sees through a NotAction that names no real action", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-notaction-bogus-version.json`);

    expect(finding).toMatchObject({
      resource: "arn:aws:iam::111122223333:policy/support-readonly",
      summary: "arn:aws:iam::111122223333:user/maria created a new default version of arn:aws:iam::111122223333:policy/support-readonly, which allows every action on every resource.",
    });
  });

  it("leaves the other permission rules quiet, so the policy is reported once", async () => {
    const findings = policyFindings(await evaluateValue(loadFixture(`${DIR}/positive-create-policy-star.json`)));

    expect(findings.map((finding) => finding.ruleId)).toEqual([RULE]);
  });

  it("hands a policy that denies IAM writes to the wildcard and escalation rules", async () => {
    const findings = policyFindings(await evaluateValue(loadFixture(`${DIR}/negative-deny-on-iam-writes.json`)));

    expect(findings.map((finding) => [finding.ruleId, finding.severity])).toEqual([
      ["policy-wildcard-action", "HIGH"],
      ["policy-privilege-escalation", "HIGH"],
    ]);
  });

  it("mentions the condition a conditional grant depends on", async () => {
    const record = loadFixture<{ Records: Record<string, any>[] }>(`${DIR}/positive-create-policy-star.json`).Records[0] as Record<string, any>;
    record.requestParameters.policyDocument = JSON.stringify(
      { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "true" } } }] },
      null,
      4,
    );

    const [finding] = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(finding?.summary).toMatch(/which allows every action on every resource when its condition on aws:MultiFactorAuthPresent holds\.$/);
    expect(finding?.details).toMatchObject({ conditional: true });
  });

  it("works without an action index", () => {
    const event = parseEvent(loadFixture<{ Records: unknown[] }>(`${DIR}/positive-create-policy-star.json`).Records[0]);
    const context = { params: {}, settings: { trustedAccounts: [], privilegedGroupPatterns: [] }, account: "111122223333" };

    expect(rule.evaluate(event, context)).toMatchObject({ resource: "arn:aws:iam::111122223333:policy/backup-maintenance" });
  });

  it.each(["negative-access-denied.json", "negative-scoped-s3-reader.json", "negative-deny-on-iam-writes.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });
});

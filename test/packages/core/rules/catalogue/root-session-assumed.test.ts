import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/root-session-assumed";
const RULE = "root-session-assumed";

describe("Rule: root-session-assumed", () => {
  it("reports a root session on a member account as HIGH, naming the account and the task policy", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-delete-root-credentials-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      principal: "arn:aws:sts::999988887777:assumed-role/RootTaskOperators/dana.kim",
      resource: "arn:aws:iam::111122223333:root",
      summary:
        "arn:aws:sts::999988887777:assumed-role/RootTaskOperators/dana.kim started a root session on 111122223333 with the task policy arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials.",
    });
  });

  it("still reports a session whose record lost its request parameters, saying what is missing", async () => {
    const envelope = loadFixture<{ detail: object }>(`${DIR}/positive-delete-root-credentials-eventbridge.json`);
    const findings = (await evaluateValue({ ...envelope.detail, requestParameters: null })).filter((f) => f.ruleId === RULE);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "HIGH", resource: "unknown" });
    expect(findings[0]?.summary).toContain(": Vigil could not read requestParameters.targetPrincipal (requestParameters is null), so it cannot tell which member account's root user the session is for.");
  });

  it("stays quiet when AssumeRoot was denied", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-access-denied.json`)).toEqual([]);
  });
});

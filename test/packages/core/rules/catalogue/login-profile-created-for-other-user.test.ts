import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/login-profile-created-for-other-user";
const RULE = "login-profile-created-for-other-user";

describe("Rule: login-profile-created-for-other-user", () => {
  it("reports a console password created for another user as HIGH, naming both", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-create-by-admin-role.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      principal: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz",
      resource: "arn:aws:iam::111122223333:user/svc-etl",
      summary: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz created a console password for the IAM user svc-etl.",
      details: { passwordResetRequired: false },
    });
  });

  it("leaves a changed password to login-profile-changed-for-other-user", async () => {
    const findings = await evaluateValue(loadFixture("rules/login-profile-changed-for-other-user/positive-reset-by-iam-user-eventbridge.json"));

    expect(findings.map((f) => f.ruleId)).toContain("login-profile-changed-for-other-user");
    expect(findings.map((f) => f.ruleId)).not.toContain(RULE);
  });

  it("does not take a role session named after the user for the user", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-session-named-like-user.json`);

    expect(findings.map((f) => [f.principal, f.resource])).toEqual([
      ["arn:aws:sts::111122223333:assumed-role/HelpdeskReset/maria", "arn:aws:iam::111122223333:user/maria"],
    ]);
  });

  it.each(["negative-own-password.json", "negative-access-denied.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when an IAM user's request names no user, as the call then acts on the caller", async () => {
    // An IAM user's call (the password reset fixture of login-profile-changed-for-other-user), made a CreateLoginProfile.
    const event = loadFixture<{ detail: Record<string, unknown> }>("rules/login-profile-changed-for-other-user/positive-reset-by-iam-user-eventbridge.json").detail;
    const record = { ...event, eventName: "CreateLoginProfile", requestParameters: { passwordResetRequired: false } };

    expect((await evaluateValue(record)).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it.each([
    [null, "requestParameters is null"],
    [{ userName: 42 }, "a number"],
  ])("reports a role's call whose user name it cannot read (requestParameters %j)", async (requestParameters, found) => {
    const record = { ...loadFixture<{ Records: object[] }>(`${DIR}/positive-create-by-admin-role.json`).Records[0], requestParameters };

    const findings = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(findings).toEqual([
      expect.objectContaining({
        severity: "HIGH",
        resource: "unknown",
        summary: `CreateLoginProfile by arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz: Vigil could not read requestParameters.userName (${found}), so it cannot tell whose console password was set.`,
      }),
    ]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture(`${DIR}/positive-session-named-like-user.json`);

    const findings = (await evaluateValue([record, record])).filter((f) => f.ruleId === RULE);

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/login-profile-changed-for-other-user";
const RULE = "login-profile-changed-for-other-user";

describe("Rule: login-profile-changed-for-other-user", () => {
  it("reports another user's password being reset as HIGH, naming both", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-reset-by-iam-user-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      principal: "arn:aws:iam::111122223333:user/ops-admin",
      resource: "arn:aws:iam::111122223333:user/maria",
      summary: "arn:aws:iam::111122223333:user/ops-admin changed the console password for the IAM user maria.",
      details: { passwordResetRequired: false },
    });
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
});

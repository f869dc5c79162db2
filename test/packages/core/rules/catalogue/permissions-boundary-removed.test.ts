import { describe, expect, it } from "vitest";
import { findingsOf } from "../../../../helpers/evaluate.ts";

const DIR = "rules/permissions-boundary-removed";
const RULE = "permissions-boundary-removed";

describe("Rule: permissions-boundary-removed", () => {
  it("reports a role's boundary removed as HIGH on the role", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-role-boundary.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "HIGH",
      principal: "arn:aws:sts::111122223333:assumed-role/DelegatedIAMAdmin/alex.chen",
      resource: "arn:aws:iam::111122223333:role/app-deployer",
      summary:
        "arn:aws:sts::111122223333:assumed-role/DelegatedIAMAdmin/alex.chen removed the permissions boundary of the IAM role app-deployer: its policies now apply without a cap.",
    });
  });

  it("reports a user's boundary removed on the user", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-user-boundary-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:user/contractor-kim" });
    expect(finding?.summary).toContain("removed the permissions boundary of the IAM user contractor-kim");
  });

  it.each(["negative-access-denied.json", "negative-boundary-set.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("takes a configured severity, and stays quiet when disabled", async () => {
    const file = `${DIR}/positive-role-boundary.json`;

    expect((await findingsOf(RULE, file, { config: { rules: { [RULE]: { severity: "CRITICAL" } } } })).map((f) => f.severity)).toEqual(["CRITICAL"]);
    expect(await findingsOf(RULE, file, { config: { rules: { [RULE]: { enabled: false } } } })).toEqual([]);
  });
});

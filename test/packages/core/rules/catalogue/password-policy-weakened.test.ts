import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/password-policy-weakened";
const RULE = "password-policy-weakened";
type PolicyRecord = Record<string, unknown> & { requestParameters: Record<string, unknown> };

/** The CIS-compliant update, with some settings replaced (undefined removes one). */
function update(settings: Record<string, unknown>): PolicyRecord {
  const [record] = loadFixture<{ Records: PolicyRecord[] }>(`${DIR}/negative-cis-compliant.json`).Records;
  if (!record) throw new Error("fixture has no record");
  const requestParameters = { ...record.requestParameters, ...settings };
  for (const [key, value] of Object.entries(settings)) if (value === undefined) delete requestParameters[key];
  return { ...record, requestParameters };
}

const summariesFor = async (record: object) => (await evaluateValue(record)).filter((f) => f.ruleId === RULE).map((f) => f.summary);

describe("Rule: password-policy-weakened", () => {
  it("says which setting is below CIS, against the account", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-short-length.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:root",
      summary:
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_4f2a9c1e7b3d5a60/sam.ortiz@example.com set a weak account password policy: minimum password length 8 is below 14.",
      details: { minimumPasswordLength: 8, passwordReusePrevention: 24 },
    });
    expect(finding?.references.map((r) => r.id)).toEqual(["1.8", "1.9"]);
  });

  it("treats a reuse prevention left out of the update as none, as AWS does", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-no-reuse-prevention-eventbridge.json`);

    expect(finding?.summary).toMatch(/set a weak account password policy: password reuse is not prevented \(required: the last 24\)\.$/);
  });

  it("treats a minimum length left out of the update as AWS's default of 6, and names every weak setting", async () => {
    expect(await summariesFor(update({ minimumPasswordLength: undefined, passwordReusePrevention: 5 }))).toEqual([
      "arn:aws:sts::111122223333:assumed-role/TerraformDeploy/terraform-run-8812 set a weak account password policy: minimum password length 6 is below 14, and password reuse prevention 5 is below 24.",
    ]);
  });

  it("reports the policy being deleted", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-deleted.json`);

    expect(finding).toMatchObject({ resource: "arn:aws:iam::111122223333:root", details: { deleted: true } });
    expect(finding?.summary).toBe(
      "arn:aws:iam::111122223333:root deleted the account password policy: IAM user passwords no longer need 14 characters and may be reused.",
    );
  });

  it.each(["negative-cis-compliant.json", "negative-stronger-eventbridge.json", "negative-access-denied.json"])(
    "stays quiet on %s",
    async (file) => {
      expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
    },
  );

  it("reads numbers sent as strings, and an odd-typed length as left out", async () => {
    expect(await summariesFor(update({ minimumPasswordLength: "16", passwordReusePrevention: "24" }))).toEqual([]);
    expect((await summariesFor(update({ minimumPasswordLength: true })))[0]).toContain("minimum password length 6 is below 14");
  });

  it("follows the configured thresholds", async () => {
    const relaxed = { rules: { [RULE]: { minimumLength: 8, reusePrevention: 12 } } };
    const strict = { rules: { [RULE]: { minimumLength: 16 } } };

    expect(await findingsOf(RULE, `${DIR}/positive-short-length.json`, { config: relaxed })).toEqual([]);
    const [finding] = await findingsOf(RULE, `${DIR}/negative-cis-compliant.json`, { config: strict });
    expect(finding?.summary).toContain("minimum password length 14 is below 16");
    expect(await findingsOf(RULE, `${DIR}/negative-stronger-eventbridge.json`, { config: strict })).toEqual([]);
  });

  it("rejects thresholds IAM cannot enforce, naming the key", async () => {
    const config = { rules: { [RULE]: { minimumLength: 4 } } };

    await expect(findingsOf(RULE, `${DIR}/positive-short-length.json`, { config })).rejects.toThrow(`rules.${RULE}.minimumLength`);
  });
});

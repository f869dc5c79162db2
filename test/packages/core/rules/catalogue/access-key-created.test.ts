import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/access-key-created";
const RULE = "access-key-created";

describe("Rule: access-key-created", () => {
  it("reports a key created for a user by someone else as HIGH, naming the key, the user and the creator", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-admin-for-other-user.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      principal: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz",
      resource: "arn:aws:iam::111122223333:user/legacy-backup",
      summary: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz created access key AKIA6ODU5TEXAMPLEL01 for the IAM user legacy-backup.",
      details: { selfService: false, accessKeyId: "AKIA6ODU5TEXAMPLEL01" },
    });
  });

  it("reports a user creating their own key as MEDIUM, whether or not the request names them", async () => {
    const named = await findingsOf(RULE, `${DIR}/positive-self-rotation-eventbridge.json`);
    const unnamed = await findingsOf(RULE, `${DIR}/positive-own-key-from-console.json`);

    expect([...named, ...unnamed].map((f) => [f.severity, f.resource, f.summary])).toEqual([
      ["MEDIUM", "arn:aws:iam::111122223333:user/ci-deployer", "The IAM user ci-deployer created access key AKIA6ODU5TEXAMPLE002 for itself."],
      ["MEDIUM", "arn:aws:iam::111122223333:user/maria", "The IAM user maria created access key AKIA6ODU5TEXAMPLEM05 for itself."],
    ]);
  });

  it("leaves root's own key to root-access-key-created", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/negative-root-own-key.json`));

    expect(findings.map((f) => f.ruleId)).toEqual(["root-access-key-created"]);
  });

  it.each(["negative-quota-exceeded.json", "negative-key-reactivated-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture<{ Records: object[] }>(`${DIR}/positive-admin-for-other-user.json`).Records[0];

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === RULE);

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

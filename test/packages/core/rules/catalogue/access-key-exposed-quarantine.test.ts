import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/access-key-exposed-quarantine";
const RULE = "access-key-exposed-quarantine";
type AttachRecord = Record<string, unknown> & { requestParameters: Record<string, unknown> };

/** AWS's V3 quarantine record, attaching another policy ARN. */
function quarantine(policyArn: string): AttachRecord {
  const [record] = loadFixture<{ Records: AttachRecord[] }>(`${DIR}/positive-quarantine-v3.json`).Records;
  if (!record) throw new Error("fixture has no record");
  return { ...record, requestParameters: { ...record.requestParameters, policyArn } };
}

describe("Rule: access-key-exposed-quarantine", () => {
  it("reports AWS quarantining a user as CRITICAL, on the user, and nothing else", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/positive-quarantine-v3.json`));

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      ruleId: RULE,
      severity: "CRITICAL",
      resource: "arn:aws:iam::111122223333:user/ci-deployer",
      summary:
        "arn:aws:iam::111122223333:user/ci-deployer applied the compromised-key quarantine policy AWSCompromisedKeyQuarantineV3 to the IAM user ci-deployer, which AWS does when it finds one of the user's access keys exposed.",
      details: { policy: "AWSCompromisedKeyQuarantineV3" },
    });
  });

  it.each([
    ["positive-quarantine-v2-eventbridge.json", "arn:aws:iam::111122223333:user/legacy-uploader", "AWSCompromisedKeyQuarantineV2"],
    ["positive-legacy-inline-policy.json", "arn:aws:iam::111122223333:user/backup-script", "AWSExposedCredentialPolicy_DO_NOT_REMOVE"],
  ])("reports %s", async (file, resource, policy) => {
    const [finding] = await findingsOf(RULE, `${DIR}/${file}`);

    expect(finding).toMatchObject({ severity: "CRITICAL", resource, details: { policy } });
  });

  it.each(["arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine", "arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV4", "arn:aws-cn:iam::aws:policy/AWSCompromisedKeyQuarantineV3"])(
    "recognises %s",
    async (policyArn) => {
      expect((await evaluateValue(quarantine(policyArn))).map((f) => f.ruleId)).toEqual([RULE]);
    },
  );

  it.each(["negative-deny-all-by-responder.json", "negative-customer-lookalike-eventbridge.json", "negative-detach-quarantine.json"])(
    "stays quiet on %s",
    async (file) => {
      expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
    },
  );

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-quarantine-v3.json`, { config })).toEqual([]);
  });
});

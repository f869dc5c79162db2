import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/federation-token-created";
const RULE = "federation-token-created";
type ApiCall = Record<string, unknown> & { userIdentity: Record<string, unknown> };

describe("Rule: federation-token-created", () => {
  it("reports a federated session with a session policy as MEDIUM, naming the user, the session and its key", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-broad-session-policy.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      principal: "arn:aws:iam::111122223333:user/ci-deployer",
      resource: "arn:aws:sts::111122223333:federated-user/backup-sync",
      summary: "The IAM user ci-deployer created the federated session backup-sync (ASIA6ODU5TEXAMPLEF01), valid for 36 hours.",
      details: { durationSeconds: 129600, sessionPolicy: true, accessKeyId: "ASIA6ODU5TEXAMPLEF01" },
    });
  });

  it("reports a session without a session policy as LOW, with the default lifetime", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-no-session-policy-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "LOW",
      summary: "The IAM user svc-reporting created the federated session reporting (ASIA6ODU5TEXAMPLEF02), valid for 12 hours.",
      details: { durationSeconds: 43200, sessionPolicy: false },
    });
  });

  it("names the federated user from the request when the response is missing", async () => {
    const record = { ...loadFixture<{ Records: object[] }>(`${DIR}/positive-broad-session-policy.json`).Records[0], responseElements: null };

    const findings = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => [f.resource, f.summary])).toEqual([
      ["arn:aws:sts::111122223333:federated-user/backup-sync", "The IAM user ci-deployer created the federated session backup-sync, valid for 36 hours."],
    ]);
  });

  it.each(["negative-access-denied.json", "negative-session-token.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("only looks at IAM users", async () => {
    const record = loadFixture<{ Records: ApiCall[] }>(`${DIR}/positive-broad-session-policy.json`).Records[0]!;
    const asRoot = { ...record, userIdentity: { type: "Root", principalId: "111122223333", arn: "arn:aws:iam::111122223333:root", accountId: "111122223333" } };

    expect((await evaluateValue(asRoot)).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture<{ Records: object[] }>(`${DIR}/positive-broad-session-policy.json`).Records[0];

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === RULE);

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

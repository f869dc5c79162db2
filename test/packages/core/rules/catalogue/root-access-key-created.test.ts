import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/root-access-key-created";
const ROOT = "arn:aws:iam::111122223333:root";

describe("Rule: root-access-key-created", () => {
  it("reports root creating a key for itself as CRITICAL, naming the key", async () => {
    const [finding] = await findingsOf("root-access-key-created", `${DIR}/positive-console.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      principal: ROOT,
      resource: ROOT,
      sourceIPAddress: "198.51.100.14",
      summary: "The root user created access key AKIA6ODU5TEXAMPLER04 for itself from 198.51.100.14.",
      details: { accessKeyId: "AKIA6ODU5TEXAMPLER04" },
    });
    expect(finding?.references.map((reference) => reference.id)).toContain("1.4");
  });

  it("reports a key created with an existing root key, delivered by EventBridge", async () => {
    const findings = await findingsOf("root-access-key-created", `${DIR}/positive-with-root-key-eventbridge.json`);

    expect(findings.map((f) => f.summary)).toEqual(["The root user created access key AKIA6ODU5TEXAMPLER05 for itself from 203.0.113.201."]);
  });

  it("leaves a key root creates for an IAM user to access-key-created", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/negative-root-for-iam-user.json`));

    expect(findings.filter((f) => f.ruleId === "root-access-key-created")).toEqual([]);
    expect(findings.find((f) => f.ruleId === "access-key-created")).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:user/backup-operator" });
  });

  it.each(["negative-quota-exceeded.json", "negative-iam-user-own-key.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf("root-access-key-created", `${DIR}/${file}`)).toEqual([]);
  });

  it("still reports the key, without its id, when the response is missing", async () => {
    const record = { ...loadFixture<{ Records: object[] }>(`${DIR}/positive-console.json`).Records[0], responseElements: null };

    const findings = (await evaluateValue(record)).filter((f) => f.ruleId === "root-access-key-created");

    expect(findings.map((f) => f.summary)).toEqual(["The root user created an access key for itself from 198.51.100.14."]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture<{ Records: object[] }>(`${DIR}/positive-console.json`).Records[0];

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === "root-access-key-created");

    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/root-activity";
const ROOT = "arn:aws:iam::111122223333:root";

describe("Rule: root-activity", () => {
  it("reports every root call, HIGH for a change and MEDIUM for a read", async () => {
    const findings = await findingsOf("root-activity", `${DIR}/positive-root-console-session.json`);

    expect(findings.map((f) => [f.eventName, f.severity])).toEqual([
      ["ListUsers", "MEDIUM"],
      ["UpdateAccountPasswordPolicy", "HIGH"],
    ]);
    expect(findings[1]).toMatchObject({
      principal: ROOT,
      resource: ROOT,
      summary: "The root user called iam:UpdateAccountPasswordPolicy from 198.51.100.14.",
    });
    expect(findings[1]?.references.map((reference) => reference.id)).toEqual(expect.arrayContaining(["4.3", "1.7"]));
  });

  it("reports root calls made with a root access key, from any envelope", async () => {
    const [finding] = await findingsOf("root-activity", `${DIR}/positive-root-access-key-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", region: "eu-west-1", summary: "The root user called ec2:AuthorizeSecurityGroupIngress from 203.0.113.201." });
  });

  it("reports a root call that AWS refused, naming the error: someone still holds root credentials", async () => {
    const [finding] = await findingsOf("root-activity", `${DIR}/positive-root-call-denied.json`);

    expect(finding?.summary).toBe("The root user called organizations:LeaveOrganization from 203.0.113.201, which failed with AccessDeniedException.");
    expect(finding?.details).toMatchObject({ errorCode: "AccessDeniedException", readOnly: false });
  });

  it("ignores calls an AWS service makes for root, but not calls root makes through the console", async () => {
    expect(await findingsOf("root-activity", `${DIR}/negative-invoked-by-cloudformation.json`)).toEqual([]);

    const { Records } = loadFixture<{ Records: { userIdentity: Record<string, unknown>; eventID: string }[] }>(
      `${DIR}/negative-invoked-by-cloudformation.json`,
    );
    const viaConsole = { ...Records[0]!, eventID: "root-console-invoked", userIdentity: { ...Records[0]!.userIdentity, invokedBy: "signin.amazonaws.com" } };
    const findings = (await evaluateValue(viaConsole)).filter((f) => f.ruleId === "root-activity");
    expect(findings.map((f) => f.summary)).toEqual(["The root user called s3:CreateBucket from cloudformation.amazonaws.com."]);
  });

  it("leaves root sign-ins and root's own access key to their own rules", async () => {
    const login = await evaluateValue(loadFixture(`${DIR}/negative-root-console-login.json`));
    expect(login.map((f) => f.ruleId)).toEqual(["root-console-login"]);

    const ownKey = await evaluateValue(loadFixture(`${DIR}/negative-root-own-access-key.json`));
    expect(ownKey.map((f) => f.ruleId)).toEqual(["root-access-key-created"]);
  });

  it("still reports root's own access key when the creation failed, as no other rule does", async () => {
    const findings = await evaluateValue(loadFixture("rules/root-access-key-created/negative-quota-exceeded.json"));

    expect(findings.map((f) => [f.ruleId, f.eventName])).toEqual([["root-activity", "CreateAccessKey"]]);
  });

  it("ignores the same call made by an IAM user", async () => {
    expect(await findingsOf("root-activity", `${DIR}/negative-iam-user-call-eventbridge.json`)).toEqual([]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture<{ detail: unknown }>(`${DIR}/positive-root-access-key-eventbridge.json`).detail;

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === "root-activity");

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

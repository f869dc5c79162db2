import { federatedBy, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/console-login-without-mfa";

describe("Rule: console-login-without-mfa", () => {
  it("reports an IAM user signing in with a password alone, naming the user and the address", async () => {
    const [finding] = await findingsOf("console-login-without-mfa", `${DIR}/positive-password-only.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      principal: "arn:aws:iam::111122223333:user/dev-jane",
      resource: "arn:aws:iam::111122223333:user/dev-jane",
      region: "us-east-2",
      summary: "The IAM user dev-jane signed in to the console without MFA from 192.0.2.58.",
    });
    expect(finding?.references.map((reference) => reference.id)).toContain("4.2");
  });

  it("reads the sign-in from an EventBridge console sign-in event", async () => {
    const findings = await findingsOf("console-login-without-mfa", `${DIR}/positive-contractor-eventbridge.json`);

    expect(findings.map((f) => f.resource)).toEqual(["arn:aws:iam::111122223333:user/contractor-li"]);
  });

  it("leaves root's sign-in without MFA to root-console-login", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/negative-root-without-mfa.json`));

    expect(findings.map((f) => f.ruleId)).toEqual(["root-console-login"]);
  });

  it.each(["negative-with-mfa.json", "negative-failed-password.json", "negative-sso-sign-in-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf("console-login-without-mfa", `${DIR}/${file}`)).toEqual([]);
  });

  // MFAUsed "No" on these is the truth about AWS's sign-in page only: the identity provider did the MFA, if any.
  it.each([
    ["an IAM Identity Center permission set", "negative-identity-center-permission-set.json", "identity-center"],
    ["SAML federation", "negative-saml-federation.json", "saml"],
    ["a web identity (OIDC) session", "negative-web-identity-session.json", "web-identity"],
  ])("never reports a federated sign-in without MFA: %s", async (_kind, file, federation) => {
    expect(federatedBy(parseEvent(loadFixture<{ Records: object[] }>(`${DIR}/${file}`).Records[0]))).toBe(federation);
    expect(await findingsOf("console-login-without-mfa", `${DIR}/${file}`)).toEqual([]);
  });

  it("does not guess when the record says nothing about MFA", async () => {
    const record = { ...loadFixture<{ Records: object[] }>(`${DIR}/positive-password-only.json`).Records[0], additionalEventData: null };

    expect((await evaluateValue(record)).filter((f) => f.ruleId === "console-login-without-mfa")).toEqual([]);
  });

  it("gives one finding id to a sign-in delivered twice", async () => {
    const record = loadFixture<{ Records: object[] }>(`${DIR}/positive-password-only.json`).Records[0];

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === "console-login-without-mfa");

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/root-credentials-changed";
const ROOT = "arn:aws:iam::111122223333:root";

describe("Rule: root-credentials-changed", () => {
  it("reports a root password recovery: the request as MEDIUM, the completed reset as HIGH", async () => {
    const findings = await findingsOf("root-credentials-changed", `${DIR}/positive-password-recovery.json`);

    expect(findings.map((f) => [f.eventName, f.severity, f.summary])).toEqual([
      ["PasswordRecoveryRequested", "MEDIUM", "A password reset was requested for the root user from 203.0.113.99."],
      ["PasswordRecoveryCompleted", "HIGH", "The root user's password was reset through password recovery from 203.0.113.99."],
    ]);
    expect(findings.every((f) => f.resource === ROOT && f.principal === ROOT)).toBe(true);
  });

  it("reports a root password change delivered as a console sign-in event", async () => {
    const [finding] = await findingsOf("root-credentials-changed", `${DIR}/positive-password-updated-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", eventSource: "signin.amazonaws.com", summary: "The root user's password was changed from 198.51.100.14." });
  });

  it("reports root removing its own MFA as CRITICAL, and no other rule repeats it", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/positive-root-mfa-deactivated.json`));

    expect(findings.map((f) => f.ruleId)).toEqual(["root-credentials-changed"]);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      resource: ROOT,
      summary: "The root user deactivated its MFA device arn:aws:iam::111122223333:mfa/root-account-mfa-device from 203.0.113.99.",
      details: { serialNumber: "arn:aws:iam::111122223333:mfa/root-account-mfa-device" },
    });
  });

  it("recognises root's own device by the missing user name, and root's virtual device when it is deleted", async () => {
    const deactivated = loadFixture<Record<string, unknown>>(`${DIR}/positive-root-mfa-deactivated.json`);
    const customName = { ...deactivated, eventID: "root-custom-device", requestParameters: { serialNumber: "arn:aws:iam::111122223333:mfa/owner-yubikey" } };
    const deleted = { ...deactivated, eventID: "root-device-deleted", eventName: "DeleteVirtualMFADevice" };

    const findings = (await evaluateValue([customName, deleted])).filter((f) => f.ruleId === "root-credentials-changed");

    expect(findings.map((f) => [f.severity, f.summary])).toEqual([
      ["CRITICAL", "The root user deactivated its MFA device arn:aws:iam::111122223333:mfa/owner-yubikey from 203.0.113.99."],
      ["CRITICAL", "The root user deleted its MFA device arn:aws:iam::111122223333:mfa/root-account-mfa-device from 203.0.113.99."],
    ]);
  });

  it("leaves an IAM user's MFA device, even removed by root, to mfa-device-deactivated", async () => {
    const findings = await evaluateValue(loadFixture(`${DIR}/negative-root-deactivates-user-mfa-eventbridge.json`));

    expect(findings.filter((f) => f.ruleId === "root-credentials-changed")).toEqual([]);
    expect(findings.find((f) => f.ruleId === "mfa-device-deactivated")?.resource).toBe("arn:aws:iam::111122223333:user/maria");
  });

  it.each(["negative-password-update-failed.json", "negative-iam-user-changes-password.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf("root-credentials-changed", `${DIR}/${file}`)).toEqual([]);
  });

  it("does not take a sign-in event without an outcome for a change", async () => {
    const record = { ...loadFixture<{ detail: object }>(`${DIR}/positive-password-updated-eventbridge.json`).detail, responseElements: null };

    expect((await evaluateValue(record)).filter((f) => f.ruleId === "root-credentials-changed")).toEqual([]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture(`${DIR}/positive-root-mfa-deactivated.json`);

    const findings = (await evaluateValue([record, record])).filter((f) => f.ruleId === "root-credentials-changed");

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

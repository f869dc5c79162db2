import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/mfa-device-deactivated";
const RULE = "mfa-device-deactivated";
const DEVICE = "arn:aws:iam::111122223333:mfa/maria-pixel";

describe("Rule: mfa-device-deactivated", () => {
  it("reports another user's device deactivated as HIGH, and its deletion on the device", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-admin-removes-user-mfa.json`);

    expect(findings.map((f) => [f.eventName, f.severity, f.resource])).toEqual([
      ["DeactivateMFADevice", "HIGH", "arn:aws:iam::111122223333:user/maria"],
      ["DeleteVirtualMFADevice", "MEDIUM", DEVICE],
    ]);
    expect(findings[0]).toMatchObject({
      principal: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz",
      summary: `arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz deactivated MFA device ${DEVICE} of the IAM user maria.`,
      details: { selfService: false, serialNumber: DEVICE },
    });
  });

  it("reports a user deactivating their own device as MEDIUM", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-own-device-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:user/dev-jane",
      summary: "The IAM user dev-jane deactivated its own MFA device arn:aws:iam::111122223333:mfa/dev-jane-phone.",
    });
  });

  it("leaves root's own device, deactivated or deleted, to root-credentials-changed", async () => {
    const deactivated = loadFixture<Record<string, unknown>>(`${DIR}/negative-root-own-device.json`);
    const deleted = { ...deactivated, eventID: "root-device-deleted", eventName: "DeleteVirtualMFADevice" };

    const findings = await evaluateValue([deactivated, deleted]);

    expect(findings.map((f) => [f.ruleId, f.eventName])).toEqual([
      ["root-credentials-changed", "DeactivateMFADevice"],
      ["root-credentials-changed", "DeleteVirtualMFADevice"],
    ]);
  });

  it.each(["negative-device-still-assigned.json", "negative-mfa-enabled.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("gives one finding id to an event delivered twice", async () => {
    const record = loadFixture<{ detail: object }>(`${DIR}/positive-own-device-eventbridge.json`).detail;

    const findings = (await evaluateValue({ Records: [record, record] })).filter((f) => f.ruleId === RULE);

    expect(findings).toHaveLength(2);
    expect(new Set(findings.map((f) => f.id)).size).toBe(1);
  });
});

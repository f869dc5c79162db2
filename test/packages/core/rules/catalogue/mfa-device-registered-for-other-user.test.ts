import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/mfa-device-registered-for-other-user";
const RULE = "mfa-device-registered-for-other-user";

describe("Rule: mfa-device-registered-for-other-user", () => {
  it("reports an MFA device enabled for another user, naming the user and the device", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-enable-for-other-user-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "MEDIUM",
      resource: "arn:aws:iam::111122223333:user/maria",
      summary:
        "arn:aws:iam::111122223333:user/ops-admin enabled the MFA device arn:aws:iam::111122223333:mfa/maria-phone for the IAM user maria from a session without MFA.",
      details: { forOtherUser: true, withoutMfa: true },
    });
  });

  it("reports a virtual device created by a role session without MFA", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-virtual-device-without-mfa.json`);

    expect(finding).toMatchObject({
      resource: "arn:aws:iam::111122223333:mfa/backup-token",
      summary: "arn:aws:sts::111122223333:assumed-role/DevOps/deploy-bot created the virtual MFA device backup-token from a session without MFA.",
    });
  });

  it("stays quiet when a user signed in with MFA enables their own new device", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-own-device-with-mfa.json`)).toEqual([]);
  });

  it("reports the same own-device call when the session has no MFA", async () => {
    const record = loadFixture<Record<string, any>>(`${DIR}/negative-own-device-with-mfa.json`);
    record.userIdentity.sessionContext.attributes.mfaAuthenticated = "false";

    const findings = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => f.details)).toEqual([expect.objectContaining({ forOtherUser: false, withoutMfa: true })]);
  });

  it("stays quiet when a virtual device is created by a session with MFA", async () => {
    const { Records } = loadFixture<{ Records: Record<string, any>[] }>(`${DIR}/positive-virtual-device-without-mfa.json`);
    const record = structuredClone(Records[0]!);
    record.userIdentity.sessionContext.attributes.mfaAuthenticated = "true";

    expect((await evaluateValue(record)).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it("does not count a federated session as without MFA: its MFA is the identity provider's", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-identity-center-session-without-mfa.json`)).toEqual([]);
  });

  it("still reports a federated session enabling a device for another user, as that alone", async () => {
    const { Records } = loadFixture<{ Records: Record<string, any>[] }>(`${DIR}/negative-identity-center-session-without-mfa.json`);
    const record = { ...Records[0]!, eventName: "EnableMFADevice", requestParameters: { userName: "maria", serialNumber: "arn:aws:iam::111122223333:mfa/amir-phone" }, responseElements: null };

    const findings = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => [f.summary, f.details])).toEqual([
      [
        "arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_PowerUserAccess_8f3c2a1b0d9e7c6b/amir.haddad@example.com enabled the MFA device arn:aws:iam::111122223333:mfa/amir-phone for the IAM user maria.",
        expect.objectContaining({ forOtherUser: true, withoutMfa: false }),
      ],
    ]);
  });
});

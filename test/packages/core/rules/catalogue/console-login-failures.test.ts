import { describe, expect, it } from "vitest";
import { evaluateFixture, evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/console-login-failures";
const RULE = "console-login-failures";
type SignIn = Record<string, unknown> & { eventID: string; sourceIPAddress: string };
const records = (file: string) => loadFixture<{ Records: SignIn[] }>(`${DIR}/${file}`).Records;

describe("Rule: console-login-failures", () => {
  it("reports five failed sign-ins for one user within ten minutes, from any mix of addresses", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-one-user-many-ips.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "MEDIUM",
      principal: "arn:aws:iam::111122223333:user/maria",
      resource: "arn:aws:iam::111122223333:user/maria",
      summary: "5 console sign-ins as the IAM user maria failed within 10 minutes, the last from 192.0.2.190.",
      details: { failures: 5, windowMinutes: 10, lastSourceIPAddress: "192.0.2.190" },
    });
    expect(findings[0]?.eventIds).toEqual(records("positive-one-user-many-ips.json").map((r) => r.eventID));
  });

  it("reports guessing the root password as HIGH", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-root-guessing-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:root" });
    expect(finding?.summary).toBe("5 console sign-ins as the root user failed within 10 minutes, the last from 203.0.113.66.");
  });

  it("counts failures for unknown user names per source address, against the account", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-unknown-user-names.json`);
    expect(finding).toMatchObject({
      resource: "arn:aws:iam::111122223333:root",
      summary: "5 console sign-ins with unknown user names failed from 198.51.100.23 within 10 minutes.",
    });

    const fromManyAddresses = records("positive-unknown-user-names.json").map((r, i) => ({ ...r, sourceIPAddress: `198.51.100.${30 + i}` }));
    expect((await evaluateValue({ Records: fromManyAddresses })).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it("stays quiet one failure short of the threshold, and fires when the configured threshold is lower", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-four-failures.json`)).toEqual([]);

    const findings = await findingsOf(RULE, `${DIR}/negative-four-failures.json`, { config: { rules: { [RULE]: { threshold: 3 } } } });

    expect(findings).toHaveLength(1);
    expect(findings[0]?.eventIds).toHaveLength(3);
    expect(findings[0]?.summary).toMatch(/^3 console sign-ins as the IAM user maria failed/);
  });

  it("forgets failures that fall out of the window, and counts them within a longer configured one", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-spread-out.json`)).toEqual([]);

    const findings = await findingsOf(RULE, `${DIR}/negative-spread-out.json`, { config: { rules: { [RULE]: { windowMinutes: 15 } } } });

    expect(findings.map((f) => f.summary)).toEqual(["5 console sign-ins as the IAM user maria failed within 15 minutes, the last from 192.0.2.31."]);
  });

  it("counts a redelivered failure once", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-redelivered.json`, { config: { rules: { [RULE]: { threshold: 2 } } } })).toEqual([]);
  });

  it("does not count successful sign-ins", async () => {
    const [first, ...rest] = records("positive-one-user-many-ips.json");
    const { errorMessage: _failed, ...signIn } = first!;
    const success = { ...signIn, responseElements: { ConsoleLogin: "Success" } };

    expect((await evaluateValue({ Records: [success, ...rest] })).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it("rejects a configuration with a bad or unknown parameter, naming it", async () => {
    const file = `${DIR}/negative-four-failures.json`;
    await expect(evaluateFixture(file, { config: { rules: { [RULE]: { threshold: 0 } } } })).rejects.toThrow(/rules\.console-login-failures\.threshold/);
    await expect(evaluateFixture(file, { config: { rules: { [RULE]: { perIp: true } } } })).rejects.toThrow(/rules\.console-login-failures: unknown key "perIp"/);
  });
});

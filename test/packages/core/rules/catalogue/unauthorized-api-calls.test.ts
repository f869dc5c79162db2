import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/unauthorized-api-calls";
const RULE = "unauthorized-api-calls";
const STOLEN = "arn:aws:iam::111122223333:user/svc-reporting";
type ApiCall = Record<string, unknown> & { eventID: string; userIdentity: Record<string, unknown> };
const records = (file: string) => loadFixture<{ Records: ApiCall[] }>(`${DIR}/${file}`).Records;

describe("Rule: unauthorized-api-calls", () => {
  it("reports ten refused calls by one principal within five minutes, across services and error codes", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-enumeration-burst.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "MEDIUM",
      principal: STOLEN,
      resource: STOLEN,
      summary: `${STOLEN} was refused 10 API calls within 5 minutes, the last ssm:DescribeParameters (AccessDeniedException).`,
      details: { refused: 10, windowMinutes: 5, lastAction: "ssm:DescribeParameters", lastErrorCode: "AccessDeniedException" },
    });
    expect(findings[0]?.eventIds).toEqual(records("positive-enumeration-burst.json").map((r) => r.eventID));
    expect(findings[0]?.references.map((reference) => reference.id)).toContain("4.1");
  });

  it("counts a role session under its session ARN, from a batch of EventBridge events", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-role-session-eventbridge.json`);

    expect(findings.map((f) => f.resource)).toEqual(["arn:aws:sts::111122223333:assumed-role/github-actions-deploy/gha-run-9182736455"]);
  });

  it("stays quiet one refusal short of the threshold, and fires when the configured threshold is lower", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-nine-denials.json`)).toEqual([]);

    const findings = await findingsOf(RULE, `${DIR}/negative-nine-denials.json`, { config: { rules: { [RULE]: { threshold: 9 } } } });

    expect(findings.map((f) => f.resource)).toEqual(["arn:aws:iam::111122223333:user/analyst-kim"]);
  });

  it("forgets refusals that fall out of the window, and counts them within a longer configured one", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-spread-out.json`)).toEqual([]);

    const findings = await findingsOf(RULE, `${DIR}/negative-spread-out.json`, { config: { rules: { [RULE]: { windowMinutes: 10 } } } });

    expect(findings).toHaveLength(1);
    expect(findings[0]?.summary).toContain("within 10 minutes");
  });

  it("ignores errors that are not refusals", async () => {
    expect(await findingsOf(RULE, `${DIR}/negative-other-errors.json`, { config: { rules: { [RULE]: { threshold: 1 } } } })).toEqual([]);
  });

  it("counts each principal apart, and ignores AWS services' own calls", async () => {
    const [first] = records("positive-enumeration-burst.json");
    const other = { ...first, eventID: "denied-analyst", userIdentity: { ...first!.userIdentity, arn: "arn:aws:iam::111122223333:user/analyst-kim", userName: "analyst-kim" } };
    const service = { ...first, eventID: "denied-service", userIdentity: { type: "AWSService", invokedBy: "config.amazonaws.com" } };

    const findings = (await evaluateValue({ Records: [first, other, service] }, { config: { rules: { [RULE]: { threshold: 1 } } } })).filter(
      (f) => f.ruleId === RULE,
    );

    expect(findings.map((f) => f.resource)).toEqual([STOLEN, "arn:aws:iam::111122223333:user/analyst-kim"]);
  });

  it("counts a redelivered refusal once", async () => {
    const [first] = records("positive-enumeration-burst.json");

    expect((await evaluateValue({ Records: Array.from({ length: 10 }, () => first) })).filter((f) => f.ruleId === RULE)).toEqual([]);
  });
});

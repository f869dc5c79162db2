import { parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture } from "../../../helpers/fixtures.ts";

const record = (file: string) => loadFixture<{ Records: Record<string, unknown>[] }>(`records/${file}`).Records[0] as Record<string, unknown>;

describe("Record shapes CloudTrail writes", () => {
  it("reads an AWS service event, whose identity has no type, and names the service as the principal", async () => {
    const value = record("aws-service-event-secretsmanager.json");

    const event = parseEvent(value);

    expect(event.userIdentity.type).toBeUndefined();
    expect(await evaluateValue(value)).toEqual([]);
  });

  it("reads an Insights event from insightDetails, and no rule takes the statistic for the call it counts", async () => {
    const value = record("insight-api-call-rate.json");

    const event = parseEvent(value);

    expect([event.eventSource, event.eventName, event.userIdentity]).toEqual(["iam.amazonaws.com", "CreateAccessKey", {}]);
    expect(await evaluateValue(value)).toEqual([]);
  });

  it("reads a network activity event, and does not report again the call its management event records", async () => {
    const value = record("network-activity-vpce-denied.json");

    expect(parseEvent(value).vpcEndpointId).toBe("vpce-03b53f4a1c2d3e4f5");
    expect(await evaluateValue(value)).toEqual([]);
  });

  it("reads a console action and judges it like an API call", async () => {
    const findings = await evaluateValue(record("console-action.json"));

    expect(findings.map((f) => [f.ruleId, f.summary])).toEqual([["root-activity", "The root user called account:PutContactInformation from 203.0.113.17."]]);
  });

  it("reads a console sign-in", async () => {
    const findings = await evaluateValue(loadFixture("rules/root-console-login/positive-without-mfa.json"));

    expect(findings.map((f) => f.ruleId)).toEqual(["root-console-login"]);
  });

  it("reports an API call a rule selects but whose request CloudTrail left out, naming what was missing", async () => {
    const findings = await evaluateValue(record("api-call-without-request.json"));

    expect(findings).toEqual([
      expect.objectContaining({
        ruleId: "identity-provider-changed",
        severity: "HIGH",
        resource: "unknown",
        summary:
          "CreateSAMLProvider by arn:aws:sts::111122223333:assumed-role/Developer/dev-session: Vigil could not read requestParameters.sAMLProviderArn (absent) or responseElements.sAMLProviderArn (absent) or requestParameters.name (absent), so it cannot tell which identity provider was changed.",
        details: {
          missing: [
            { field: "requestParameters.sAMLProviderArn", found: "absent" },
            { field: "responseElements.sAMLProviderArn", found: "absent" },
            { field: "requestParameters.name", found: "absent" },
          ],
        },
      }),
    ]);
  });
});

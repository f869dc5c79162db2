import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/sso-identity-source-changed";
const RULE = "sso-identity-source-changed";
const ADMIN = "arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_IdentityCenterAdmin_3f1e2d4c5b6a7980/jane.doe@example.com";

describe("Rule: sso-identity-source-changed", () => {
  it("reports a changed external IdP as CRITICAL, on its configuration id", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-update-external-idp.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      resource: "idpc-5e6f7a8b9c0d1e2f",
      summary: `${ADMIN} changed the external identity provider (SAML metadata or certificate) of Identity Center (idpc-5e6f7a8b9c0d1e2f).`,
    });
    expect(findings[0]?.references.map((r) => r.id)).toEqual(["T1484.002", "T1556.007"]);
  });

  it.each([
    ["positive-scim-token-eventbridge.json", "d-9367a1b2c3", "created a SCIM provisioning access token for Identity Center"],
    ["positive-associate-directory.json", "d-93670c4e12", "associated a directory as Identity Center's identity source"],
  ])("reports %s as CRITICAL", async (file, resource, verb) => {
    const [finding] = await findingsOf(RULE, `${DIR}/${file}`);

    expect(finding).toMatchObject({ severity: "CRITICAL", resource });
    expect(finding?.summary).toContain(verb);
  });

  it("reports a change whose record names nothing, on resource unknown", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/positive-update-external-idp.json`).Records[0];

    const [finding] = (await evaluateValue({ ...record, requestParameters: null })).filter((f) => f.ruleId === RULE);

    expect(finding).toMatchObject({ severity: "CRITICAL", resource: "unknown" });
    expect(finding?.summary).toContain("so it cannot tell which directory or Identity Center instance was changed.");
  });

  it("ignores a call of the right name from another service", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/positive-associate-directory.json`).Records[0];

    expect((await evaluateValue({ ...record, eventSource: "sso-directory.amazonaws.com" })).filter((f) => f.ruleId === RULE)).toEqual([]);
  });

  it.each(["negative-list-external-idps.json", "negative-access-denied-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-update-external-idp.json`, { config })).toEqual([]);
  });
});

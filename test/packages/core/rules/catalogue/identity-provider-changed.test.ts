import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/identity-provider-changed";
const RULE = "identity-provider-changed";
const GITHUB = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com";

describe("Rule: identity-provider-changed", () => {
  it("reports a new SAML provider as HIGH, on the ARN AWS returned", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-create-saml-provider.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:saml-provider/OktaProd",
      summary: "arn:aws:iam::111122223333:user/ci-deployer created the SAML identity provider arn:aws:iam::111122223333:saml-provider/OktaProd.",
    });
    expect(findings[0]?.references.map((r) => r.id)).toEqual(["T1484.002"]);
  });

  it("names a SAML provider from the request when the response is missing", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/positive-create-saml-provider.json`).Records[0];

    const findings = (await evaluateValue({ ...record, responseElements: null })).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => f.resource)).toEqual(["arn:aws:iam::111122223333:saml-provider/OktaProd"]);
  });

  it("reports a client ID added to an OIDC provider as HIGH, naming the client ID", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-add-oidc-client-id-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: GITHUB, details: { clientId: "ci-runner-7f3a" } });
    expect(finding?.summary).toBe(
      `arn:aws:sts::111122223333:assumed-role/TerraformDeploy/terraform-run-8812 added a client ID (audience) to the OIDC identity provider ${GITHUB} (client ID ci-runner-7f3a).`,
    );
  });

  it("reports a new OIDC provider on its ARN", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-create-oidc-provider.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/5F8C2E1B9A7D4C3E6B0A1D2F3E4C5B6A",
    });
  });

  it("reports a provider deleted as MEDIUM", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-delete-oidc-provider.json`);

    expect(finding).toMatchObject({ severity: "MEDIUM", resource: GITHUB });
    expect(finding?.summary).toContain(`deleted the OIDC identity provider ${GITHUB}.`);
  });

  it.each(["negative-access-denied.json", "negative-read-provider-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-create-saml-provider.json`, { config })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/roles-anywhere-trust-anchor-changed";
const RULE = "roles-anywhere-trust-anchor-changed";
const ANCHOR = "arn:aws:rolesanywhere:eu-west-1:111122223333:trust-anchor/0f3c5e7a-1b2d-4c6e-8f0a-2b4d6f8a0c1e";

describe("Rule: roles-anywhere-trust-anchor-changed", () => {
  it("reports a trust anchor on an uploaded CA bundle as HIGH, naming the outside CA", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-create-bundle-anchor.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "HIGH",
      resource: ANCHOR,
      summary: `arn:aws:sts::111122223333:assumed-role/TerraformDeploy/terraform-run-4410 created the Roles Anywhere trust anchor ${ANCHOR} (contractor-ca), trusting certificates from an uploaded CA certificate bundle, a CA outside AWS (CERTIFICATE_BUNDLE).`,
      details: { sourceType: "CERTIFICATE_BUNDLE" },
    });
  });

  it("names the Private CA of an enabled anchor, read from the response", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-enable-pca-anchor-eventbridge.json`);

    expect(finding).toMatchObject({ resource: ANCHOR, details: { sourceType: "AWS_ACM_PCA" } });
    expect(finding?.summary).toContain("enabled the Roles Anywhere trust anchor");
    expect(finding?.summary).toContain("an AWS Private CA (AWS_ACM_PCA arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/");
  });

  it("reports a profile with the roles certificates can become", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-create-profile.json`);

    expect(finding).toMatchObject({ severity: "HIGH", details: { roleArns: ["arn:aws:iam::111122223333:role/OnPremBatch"] } });
    expect(finding?.summary).toContain("which certificates can use to become the roles arn:aws:iam::111122223333:role/OnPremBatch.");
  });

  it("reports an anchor change whose record lost its fields, on resource unknown", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/positive-create-bundle-anchor.json`).Records[0];

    const [finding] = (await evaluateValue({ ...record, requestParameters: null, responseElements: null })).filter((f) => f.ruleId === RULE);

    expect(finding).toMatchObject({ severity: "HIGH", resource: "unknown" });
    expect(finding?.summary).toMatch(/^CreateTrustAnchor by .+: Vigil could not read requestParameters\.trustAnchorId \(requestParameters is null\) or responseElements\.trustAnchor \(responseElements is null\), so it cannot tell which trust anchor was changed\.$/);
  });

  it.each(["negative-disable-anchor.json", "negative-access-denied-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-create-bundle-anchor.json`, { config })).toEqual([]);
  });
});

describe("Rule: roles-anywhere-trust-anchor-changed, revocation lists", () => {
  it("reports a deleted revocation list: the certificates it revoked work again", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/negative-disable-anchor.json`).Records[0];
    const crl = "arn:aws:rolesanywhere:eu-west-1:111122223333:crl/7b9d1f3a-5c7e-4a9b-1d3f-5a7c9e1b3d5f";

    const findings = (
      await evaluateValue({ ...record, eventName: "DeleteCrl", requestParameters: { crlId: "7b9d1f3a-5c7e-4a9b-1d3f-5a7c9e1b3d5f" }, responseElements: { crl: { crlArn: crl, name: "contractor-ca-crl" } } })
    ).filter((f) => f.ruleId === RULE);

    expect(findings.map((f) => [f.severity, f.resource])).toEqual([["HIGH", crl]]);
    expect(findings[0]?.summary).toContain(`deleted the Roles Anywhere certificate revocation list ${crl} (contractor-ca-crl): certificates it revoked are accepted again.`);
  });
});

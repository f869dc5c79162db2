import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";
import { policyFindings } from "../../../../helpers/policy.ts";

const DIR = "rules/trust-policy-public";
const RULE = "trust-policy-public";

describe("Rule: trust-policy-public", () => {
  it('reports a new role with Principal "*" as CRITICAL, on the role\'s ARN', async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-principal-star.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      eventName: "CreateRole",
      resource: "arn:aws:iam::111122223333:role/support-access",
      summary: "arn:aws:iam::111122223333:user/legacy-backup created the role arn:aws:iam::111122223333:role/support-access so that any principal can assume it (Principal *).",
      details: { statements: [{ statement: { index: 0 }, via: "Principal *", conditionKeys: [] }] },
    });
    expect(finding?.references.map((reference) => reference.id)).toEqual(["4.4", "T1484.002", "T1098.003"]);
  });

  it("does not let sts:ExternalId pass for a restriction, and says so", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-aws-star-external-id-eventbridge.json`);

    expect(finding).toMatchObject({
      severity: "CRITICAL",
      resource: "arn:aws:iam::111122223333:role/vendor-integration",
      summary:
        "arn:aws:iam::111122223333:user/maria changed the trust policy of arn:aws:iam::111122223333:role/vendor-integration so that any principal can assume it (AWS *). Its condition on sts:ExternalId does not restrict who the caller is.",
    });
  });

  it("reports nothing for a refused call, nor does any policy rule", async () => {
    const record = loadFixture<{ Records: Record<string, unknown>[] }>(`${DIR}/positive-principal-star.json`).Records[0] as Record<string, unknown>;

    const findings = policyFindings(
      await evaluateValue({ ...record, errorCode: "EntityAlreadyExists", errorMessage: "Role with name support-access already exists.", responseElements: null }),
    );

    expect(findings).toEqual([]);
  });

  it.each(["negative-org-restricted.json", "negative-service-principal.json"])("no policy rule fires on %s", async (file) => {
    expect(policyFindings(await evaluateValue(loadFixture(`${DIR}/${file}`)))).toEqual([]);
  });
});

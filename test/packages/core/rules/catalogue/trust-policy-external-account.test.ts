import { catalogue, type EventRule, parseEvent } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";
import { INVENTORY, inventoryWithout } from "../../../../helpers/inventory.ts";
import { policyFindings } from "../../../../helpers/policy.ts";

const DIR = "rules/trust-policy-external-account";
const RULE = "trust-policy-external-account";
const rule = catalogue.find((candidate) => candidate.meta.id === RULE) as EventRule;

describe("Rule: trust-policy-external-account", () => {
  it("reports a vendor account trusted through its root ARN as HIGH, naming the account", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-vendor-root.json`);

    expect(finding).toMatchObject({
      severity: "HIGH",
      resource: "arn:aws:iam::111122223333:role/cost-tool-readonly",
      summary: "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz created the role arn:aws:iam::111122223333:role/cost-tool-readonly so that account 444455556666 can assume it.",
      details: { accounts: ["444455556666"], principals: [{ type: "AWS", value: "arn:aws:iam::444455556666:root", account: "444455556666" }] },
    });
  });

  it("is silenced by trustedAccounts", async () => {
    expect(await findingsOf(RULE, `${DIR}/positive-vendor-root.json`, { config: { trustedAccounts: ["444455556666"] } })).toEqual([]);
  });

  it("names only the foreign account among role ARNs, on an updated trust policy", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-role-arns-eventbridge.json`);

    expect(finding).toMatchObject({
      resource: "arn:aws:iam::111122223333:role/deploy-target",
      summary:
        "arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions changed the trust policy of arn:aws:iam::111122223333:role/deploy-target so that account 777788889999 can assume it.",
      details: { accounts: ["777788889999"] },
    });
  });

  it("names several accounts, and keeps reporting the ones not trusted", async () => {
    const record = loadFixture<{ Records: Record<string, any>[] }>(`${DIR}/positive-vendor-root.json`).Records[0] as Record<string, any>;
    record.requestParameters.assumeRolePolicyDocument = JSON.stringify(
      {
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { AWS: ["444455556666", "arn:aws:iam::555566667777:user/ana"] }, Action: "sts:AssumeRole" },
          { Effect: "Allow", Principal: "*", Action: "sts:AssumeRole", Condition: { StringEquals: { "aws:PrincipalAccount": "666677778888" } } },
        ],
      },
      null,
      4,
    );

    const all = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);
    const some = (await evaluateValue(record, { config: { trustedAccounts: ["444455556666"] } })).filter((f) => f.ruleId === RULE);

    expect(all.map((f) => f.summary)).toEqual([
      "arn:aws:sts::111122223333:assumed-role/AdminAccess/sam.ortiz created the role arn:aws:iam::111122223333:role/cost-tool-readonly so that accounts 444455556666, 555566667777, 666677778888 can assume it.",
    ]);
    expect(some.map((f) => (f.details as { accounts: string[] }).accounts)).toEqual([["555566667777", "666677778888"]]);
  });

  it("takes the event's own account as trusted without configuration", () => {
    const event = parseEvent(loadFixture<{ Records: unknown[] }>(`${DIR}/positive-vendor-root.json`).Records[0]);
    const context = (account: string) => ({ params: {}, settings: { trustedAccounts: [], privilegedGroupPatterns: [] }, account });

    expect(rule.evaluate(event, context("444455556666"))).toBeUndefined();
    expect(rule.evaluate(event, context("111122223333"))).toBeDefined();
  });

  it.each(["negative-own-account.json", "negative-federated-and-service.json"])("no policy rule fires on %s", async (file) => {
    expect(policyFindings(await evaluateValue(loadFixture(`${DIR}/${file}`)))).toEqual([]);
  });

  describe("in organization mode", () => {
    const ORG_RESTRICTED = "rules/trust-policy-public/negative-org-restricted.json";
    /** The fixture's role, open to everyone under `condition`. */
    const conditioned = (condition: object) => {
      const record = loadFixture<{ Records: Record<string, any>[] }>(ORG_RESTRICTED).Records[0] as Record<string, any>;
      record.requestParameters.assumeRolePolicyDocument = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole", Condition: condition }],
      });
      return record;
    };
    const trustFindings = async (record: unknown, organization = INVENTORY) =>
      (await evaluateValue(record, { organization })).filter((f) => f.ruleId === RULE || f.ruleId === "trust-policy-public");

    it("trusts every account of the organization without listing it in trustedAccounts", async () => {
      expect(await findingsOf(RULE, `${DIR}/positive-vendor-root.json`, { organization: INVENTORY })).toEqual([]);
    });

    it("still reports an account outside the organization", async () => {
      const [finding] = await findingsOf(RULE, `${DIR}/positive-vendor-root.json`, { organization: inventoryWithout("444455556666") });

      expect(finding?.details).toMatchObject({ accounts: ["444455556666"] });
    });

    it("is quiet on a condition on the organization's own id, and on a path inside it", async () => {
      expect(await trustFindings(loadFixture(ORG_RESTRICTED))).toEqual([]);
      expect(await trustFindings(conditioned({ "ForAnyValue:StringLike": { "aws:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/ou-ab12-workload/*"] } }))).toEqual([]);
    });

    it("reports a condition on another organization's id, naming the organization", async () => {
      const findings = await trustFindings(conditioned({ StringEquals: { "aws:PrincipalOrgID": "o-f9e8d7c6b5" } }));

      expect(findings).toHaveLength(1);
      expect(findings[0]).toMatchObject({
        ruleId: RULE,
        severity: "HIGH",
        summary:
          "arn:aws:sts::111122223333:assumed-role/ci-deployer/GitHubActions created the role arn:aws:iam::111122223333:role/org-readonly so that every account of organization o-f9e8d7c6b5 can assume it.",
        details: { accounts: [], organizations: ["o-f9e8d7c6b5"], principals: [{ type: "Condition", value: "o-f9e8d7c6b5", organization: "o-f9e8d7c6b5" }] },
      });
    });

    it("reports another organization's path, and a foreign organization beside an untrusted account", async () => {
      const [byPath] = await trustFindings(conditioned({ StringLike: { "aws:SourceOrgPaths": "o-f9e8d7c6b5/r-zz99/*" } }));
      const [both] = await trustFindings(conditioned({ StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5", "o-f9e8d7c6b5"], "aws:PrincipalAccount": "777788889999" } }));

      expect(byPath?.details).toMatchObject({ organizations: ["o-f9e8d7c6b5"] });
      expect(both?.summary).toMatch(/so that account 777788889999 and every account of organization o-f9e8d7c6b5 can assume it\.$/);
    });
  });

  it("without an organization configured, takes an organization condition as restricting and reports nothing, whichever organization it names", async () => {
    const record = loadFixture<{ Records: Record<string, any>[] }>("rules/trust-policy-public/negative-org-restricted.json").Records[0] as Record<string, any>;
    record.requestParameters.assumeRolePolicyDocument = record.requestParameters.assumeRolePolicyDocument.replace("o-a1b2c3d4e5", "o-f9e8d7c6b5");

    expect(policyFindings(await evaluateValue(record))).toEqual([]);
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/sso-permission-set-changed";
const RULE = "sso-permission-set-changed";
const DEV = "arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-9f8e7d6c5b4a3f2e";
const INSTANCE = "arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6";
type SsoRecord = Record<string, unknown> & { requestParameters: Record<string, unknown> };

/** The admin inline policy record, with its requestParameters replaced. */
function inlineWith(requestParameters: unknown): object {
  const record = loadFixture<{ Records: SsoRecord[] }>(`${DIR}/positive-inline-admin.json`).Records[0];
  return { ...record, requestParameters };
}

const findingsFor = async (record: object) => (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

describe("Rule: sso-permission-set-changed", () => {
  it("reports an inline policy allowing everything as CRITICAL, naming caller, permission set and instance", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-inline-admin.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      resource: DEV,
      summary: `arn:aws:sts::111111111111:assumed-role/AWSReservedSSO_IdentityCenterAdmin_3f1e2d4c5b6a7980/jane.doe@example.com wrote the inline policy of the permission set ${DEV} (instance ${INSTANCE}), which allows every action on every resource.`,
    });
    expect(findings[0]?.references.map((r) => r.id)).toEqual(["T1098.003"]);
  });

  it("keeps a scoped inline policy at HIGH", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-inline-scoped-eventbridge.json`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: DEV, details: { inlinePolicy: { kind: "bounded" } } });
  });

  it("reports AdministratorAccess attached to a permission set as CRITICAL", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-attach-administratoraccess.json`);

    expect(finding?.severity).toBe("CRITICAL");
    expect(finding?.summary).toContain("attached the managed policy arn:aws:iam::aws:policy/AdministratorAccess to the permission set");
  });

  it.each([
    ["positive-create-permission-set.json", `created the permission set DataEngineer ${DEV} (instance ${INSTANCE}).`],
    ["positive-detach-customer-policy.json", `detached the customer managed policy reference /guardrails/DenyProdWrites from the permission set ${DEV}`],
    ["positive-provision-all-accounts.json", `provisioned the permission set ${DEV} (instance ${INSTANCE}) to every account it is assigned to.`],
  ])("reports %s as HIGH, saying what changed", async (file, says) => {
    const [finding] = await findingsOf(RULE, `${DIR}/${file}`);

    expect(finding).toMatchObject({ severity: "HIGH", resource: DEV });
    expect(finding?.summary).toContain(says);
  });

  it.each([
    ["absent", { instanceArn: INSTANCE, permissionSetArn: DEV }, "the record does not carry inlinePolicy"],
    ["redacted", { instanceArn: INSTANCE, permissionSetArn: DEV, inlinePolicy: "HIDDEN_DUE_TO_SECURITY_REASONS" }, "inlinePolicy is not a readable policy (redacted?)"],
    ["omitted", { reason: "requestParameters too large", omitted: true, originalSize: 140210 }, "CloudTrail omitted requestParameters as too large"],
  ])("still reports an inline policy it cannot read (%s), saying why", async (_, params, why) => {
    const [finding] = await findingsFor(inlineWith(params));

    expect(finding?.severity).toBe("HIGH");
    expect(finding?.summary).toContain(`the policy could not be analysed: ${why}`);
    if (_ === "omitted") expect(finding?.resource).toBe("unknown");
  });

  it("reports every inline policy write exactly once, whatever inlinePolicy holds", async () => {
    const anyPolicyText = fc.oneof(
      fc.string(),
      fc.json(),
      fc.record({ Effect: fc.constantFrom("Allow", "Deny"), Action: fc.constantFrom("*", "s3:*", "iam:PassRole"), Resource: fc.constantFrom("*", "arn:aws:s3:::b") }).map((statement) =>
        JSON.stringify({ Version: "2012-10-17", Statement: [statement] }),
      ),
    );
    await fc.assert(
      fc.asyncProperty(anyPolicyText, async (inlinePolicy) => {
        const findings = await findingsFor(inlineWith({ instanceArn: INSTANCE, permissionSetArn: DEV, inlinePolicy }));
        expect(findings).toHaveLength(1);
        expect(["HIGH", "CRITICAL"]).toContain(findings[0]?.severity);
      }),
      { numRuns: 60 },
    );
  });

  it.each(["negative-access-denied.json", "negative-read-inline-policy-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-inline-admin.json`, { config })).toEqual([]);
  });
});

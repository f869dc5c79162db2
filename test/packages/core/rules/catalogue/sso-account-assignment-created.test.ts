import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";
import { INVENTORY } from "../../../../helpers/inventory.ts";

const DIR = "rules/sso-account-assignment-created";
const RULE = "sso-account-assignment-created";
const DEV = "arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-9f8e7d6c5b4a3f2e";
type SsoRecord = Record<string, unknown> & { requestParameters: Record<string, unknown> };

/** The workload assignment, as if recorded elsewhere or with other request fields. */
function workloadAssignment(changes: Record<string, unknown>, params: Record<string, unknown> = {}): object {
  const record = loadFixture<{ Records: SsoRecord[] }>(`${DIR}/positive-group-to-workload.json`).Records[0] as SsoRecord;
  return { ...record, ...changes, requestParameters: { ...record.requestParameters, ...params } };
}

describe("Rule: sso-account-assignment-created", () => {
  it("reports a group given a permission set in a workload account as MEDIUM", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-group-to-workload.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "MEDIUM",
      resource: DEV,
      summary: `arn:aws:sts::111111111111:assumed-role/TerraformDeploy/terraform-run-4410 assigned the permission set ${DEV} to the group f4d8b4a8-7061-70c1-3d2e-0a1b2c3d4e5f in the account 444455556666 (instance arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6).`,
      details: { account: "444455556666", principalType: "GROUP" },
    });
  });

  it("reports an assignment into the account that runs Identity Center as HIGH", async () => {
    const [finding] = await findingsOf(RULE, `${DIR}/positive-user-to-management-eventbridge.json`);

    expect(finding?.severity).toBe("HIGH");
    expect(finding?.summary).toContain("in the account 111111111111");
    expect(finding?.summary).toContain("which is the account that runs Identity Center");
  });

  it("knows the management account from the organization inventory", async () => {
    // Recorded in another account (a delegated administrator's trail), targeting the management account.
    const record = workloadAssignment({ recipientAccountId: "111122223333" }, { targetId: "111111111111" });

    const inOrganization = (await evaluateValue(record, { organization: INVENTORY })).filter((f) => f.ruleId === RULE);
    const alone = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(inOrganization[0]?.summary).toContain("which is the organization's management account.");
    expect(inOrganization[0]?.severity).toBe("HIGH");
    expect(alone[0]?.severity).toBe("MEDIUM");
  });

  it("reports a permission set configured as administrator as HIGH, by ARN or by id", async () => {
    for (const known of [DEV, "ps-9f8e7d6c5b4a3f2e"]) {
      const config = { rules: { [RULE]: { adminPermissionSets: [known] } } };
      const [finding] = await findingsOf(RULE, `${DIR}/positive-group-to-workload.json`, { config });

      expect(finding?.severity).toBe("HIGH");
      expect(finding?.summary).toContain("which is a permission set configured as administrator.");
    }
  });

  it("reports an assignment whose request fields are missing, on resource unknown", async () => {
    const record = { ...workloadAssignment({}), requestParameters: null };

    const [finding] = (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

    expect(finding).toMatchObject({ severity: "MEDIUM", resource: "unknown" });
    expect(finding?.summary).toContain(": Vigil could not read requestParameters.permissionSetArn (requestParameters is null), so it cannot tell which permission set was assigned.");
  });

  it.each(["negative-conflict.json", "negative-delete-assignment-eventbridge.json"])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("stays quiet when disabled", async () => {
    const config = { rules: { [RULE]: { enabled: false } } };
    expect(await findingsOf(RULE, `${DIR}/positive-group-to-workload.json`, { config })).toEqual([]);
  });
});

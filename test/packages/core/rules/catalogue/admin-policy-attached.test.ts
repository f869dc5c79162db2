import { describe, expect, it } from "vitest";
import { evaluateValue, findingsOf } from "../../../../helpers/evaluate.ts";
import { loadFixture } from "../../../../helpers/fixtures.ts";

const DIR = "rules/admin-policy-attached";
const RULE = "admin-policy-attached";
type AttachRecord = Record<string, unknown> & { requestParameters: Record<string, unknown> };

/** The IAMFullAccess-on-a-role record, with another policy ARN. */
function roleAttachment(policyArn: unknown): AttachRecord {
  const record = loadFixture<{ detail: AttachRecord }>(`${DIR}/positive-iamfullaccess-to-role-eventbridge.json`).detail;
  return { ...record, requestParameters: { ...record.requestParameters, policyArn } };
}

const findingsFor = async (record: object) => (await evaluateValue(record)).filter((f) => f.ruleId === RULE);

describe("Rule: admin-policy-attached", () => {
  it("reports AdministratorAccess on an IAM user as CRITICAL, naming caller, policy and user", async () => {
    const findings = await findingsOf(RULE, `${DIR}/positive-admin-to-user.json`);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      principal: "arn:aws:iam::111122223333:user/ci-deployer",
      resource: "arn:aws:iam::111122223333:user/support-backup",
      summary:
        "arn:aws:iam::111122223333:user/ci-deployer attached AdministratorAccess (full access to every action on every resource) to the IAM user support-backup.",
      details: { policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    });
  });

  it.each([
    ["positive-iamfullaccess-to-role-eventbridge.json", "arn:aws:iam::111122223333:role/lambda-ingest", "attached IAMFullAccess (full control of IAM"],
    ["positive-poweruser-to-group.json", "arn:aws:iam::111122223333:group/platform", "attached PowerUserAccess (full access to every service"],
  ])("reports %s as HIGH on the role or group", async (file, resource, summary) => {
    const [finding] = await findingsOf(RULE, `${DIR}/${file}`);

    expect(finding).toMatchObject({ severity: "HIGH", resource });
    expect(finding?.summary).toContain(summary);
  });

  it("keeps AdministratorAccess on a role at HIGH, and recognises it in other partitions", async () => {
    const [onRole] = await findingsFor(roleAttachment("arn:aws:iam::aws:policy/AdministratorAccess"));
    const [govCloud] = await findingsFor(roleAttachment("arn:aws-us-gov:iam::aws:policy/AWSOrganizationsFullAccess"));

    expect(onRole).toMatchObject({ severity: "HIGH", resource: "arn:aws:iam::111122223333:role/lambda-ingest" });
    expect(govCloud?.summary).toContain("attached AWSOrganizationsFullAccess (full control of AWS Organizations");
  });

  it.each([
    "negative-readonly-access.json",
    "negative-access-denied.json",
    "negative-customer-policy-named-admin-eventbridge.json",
    "negative-job-function.json",
  ])("stays quiet on %s", async (file) => {
    expect(await findingsOf(RULE, `${DIR}/${file}`)).toEqual([]);
  });

  it("reports a policy ARN that is not a string as unreadable, at its own severity, rather than passing it over", async () => {
    const [finding] = await findingsFor(roleAttachment({ arn: "arn:aws:iam::aws:policy/AdministratorAccess" }));

    expect(finding).toMatchObject({ severity: "HIGH", resource: "unknown", details: { missing: [{ field: "requestParameters.policyArn", found: "an object" }] } });
    expect(finding?.summary).toMatch(/^AttachRolePolicy by .+: Vigil could not read requestParameters\.policyArn \(an object\), so it cannot tell which policy was attached\.$/);
  });

  it("takes a configured severity over its own, and stays quiet when disabled", async () => {
    const file = `${DIR}/positive-admin-to-user.json`;

    const lowered = await findingsOf(RULE, file, { config: { rules: { [RULE]: { severity: "MEDIUM" } } } });
    const disabled = await findingsOf(RULE, file, { config: { rules: { [RULE]: { enabled: false } } } });

    expect(lowered.map((f) => f.severity)).toEqual(["MEDIUM"]);
    expect(disabled).toEqual([]);
  });
});

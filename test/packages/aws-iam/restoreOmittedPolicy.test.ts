import { GetPolicyVersionCommand, GetRoleCommand, IAMClient, IAMServiceException, NoSuchEntityException } from "@aws-sdk/client-iam";
import { PolicyFetchError, restoreOmittedPolicy } from "@vigil/aws-iam";
import { type CloudTrailEvent, parseEvent } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { evaluateValue } from "../../helpers/evaluate.ts";
import { loadFixture } from "../../helpers/fixtures.ts";
import { policyFindings } from "../../helpers/policy.ts";
import { rfc3986Encode } from "./iamEncoding.ts";

const iam = mockClient(IAMClient);
const client = () => new IAMClient({ region: "us-east-1" });
const fixture = (file: string): CloudTrailEvent => parseEvent(loadFixture(`omitted-policies/${file}`));

/** `*` on `*`, padded past CloudTrail's limit the way the evasion does it. */
const ADMIN = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}${"\n".repeat(2000)}`;
const OPEN_TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}';

/** Rule id and severity of each policy-rule finding the real engine makes on the event. */
async function policyVerdicts(event: CloudTrailEvent): Promise<string[][]> {
  return policyFindings(await evaluateValue(event)).map((finding) => [finding.ruleId, finding.severity]);
}

describe("Function: restoreOmittedPolicy", () => {
  afterEach(() => iam.reset());

  it("fetches the omitted document of CreatePolicy so the engine reports full admin, not an omitted document", async () => {
    iam.on(GetPolicyVersionCommand).resolves({
      PolicyVersion: { Document: rfc3986Encode(ADMIN), VersionId: "v1", IsDefaultVersion: true, CreateDate: new Date("2026-11-21T03:14:47Z") },
    });
    const omitted = fixture("create-policy.json");

    const restored = await restoreOmittedPolicy(client(), omitted);
    const findings = policyFindings(await evaluateValue(restored.event));

    expect(restored).toMatchObject({ fetched: true, lookup: { call: "GetPolicyVersion" } });
    expect(restored.error).toBeUndefined();
    expect(findings.map((finding) => finding.ruleId)).toEqual(["policy-grants-full-admin"]);
    expect(findings[0]).toMatchObject({
      severity: "CRITICAL",
      eventId: omitted.eventID,
      resource: "arn:aws:iam::111122223333:policy/billing-export",
      summary: "arn:aws:iam::111122223333:user/legacy-backup created the managed policy arn:aws:iam::111122223333:policy/billing-export, which allows every action on every resource.",
    });
  });

  it("leaves the event as it came when the policy was deleted meanwhile, and the omitted document is still reported", async () => {
    iam.on(GetPolicyVersionCommand).rejects(
      new NoSuchEntityException({ message: "Policy arn:aws:iam::111122223333:policy/billing-export was not found.", $metadata: { httpStatusCode: 404 } }),
    );
    const omitted = fixture("create-policy.json");

    const restored = await restoreOmittedPolicy(client(), omitted);

    expect(restored.event).toBe(omitted);
    expect(restored.fetched).toBe(false);
    expect(restored.error).toBeInstanceOf(PolicyFetchError);
    expect(restored.error).toMatchObject({ call: "GetPolicyVersion", reason: "NoSuchEntity" });
    expect(await policyVerdicts(restored.event)).toEqual([["policy-document-omitted", "HIGH"]]);
  });

  it("returns an access denial to the caller instead of swallowing it", async () => {
    iam.on(GetPolicyVersionCommand).rejects(
      new IAMServiceException({ name: "AccessDenied", $fault: "client", $metadata: { httpStatusCode: 403 }, message: "User: arn:aws:sts::111122223333:assumed-role/vigil-evaluate/fn is not authorized to perform: iam:GetPolicyVersion" }),
    );

    const restored = await restoreOmittedPolicy(client(), fixture("create-policy.json"));

    expect(restored).toMatchObject({ fetched: false, error: { reason: "AccessDenied", code: "AccessDenied" } });
  });

  it("fetches a new role's trust policy, so a role anyone can assume is reported", async () => {
    iam.on(GetRoleCommand).resolves({
      Role: {
        Path: "/",
        RoleName: "partner-sync",
        RoleId: "AROA6ON6E4XEPARTNER01",
        Arn: "arn:aws:iam::111122223333:role/partner-sync",
        CreateDate: new Date("2026-11-21T04:07:13Z"),
        AssumeRolePolicyDocument: rfc3986Encode(OPEN_TRUST),
        MaxSessionDuration: 3600,
        RoleLastUsed: {},
      },
    });

    const restored = await restoreOmittedPolicy(client(), fixture("create-role.json"));

    expect(restored.fetched).toBe(true);
    expect(await policyVerdicts(restored.event)).toEqual([["trust-policy-public", "CRITICAL"]]);
  });

  it.each(["put-role-policy.json", "create-policy-version.json", "create-role-response-omitted.json"])(
    "makes no IAM call for %s, whose record does not say what to read, and the omitted document is reported",
    async (file) => {
      const omitted = fixture(file);

      const restored = await restoreOmittedPolicy(client(), omitted);

      expect(restored).toEqual({ event: omitted, fetched: false });
      expect(iam.calls()).toHaveLength(0);
      expect(await policyVerdicts(restored.event)).toEqual([["policy-document-omitted", "HIGH"]]);
    },
  );

  it("makes no IAM call for an event whose document CloudTrail kept", async () => {
    const whole = parseEvent((loadFixture("rules/policy-document-omitted/negative-document-present.json") as { Records: unknown[] }).Records[0]);

    expect(await restoreOmittedPolicy(client(), whole)).toEqual({ event: whole, fetched: false });
    expect(iam.calls()).toHaveLength(0);
  });
});

import {
  GetGroupPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  GetUserPolicyCommand,
  IAMClient,
  IAMServiceException,
  NoSuchEntityException,
} from "@aws-sdk/client-iam";
import { fetchPolicyDocument, PolicyFetchError } from "@vigil/aws-iam";
import type { PolicyLookup } from "@vigil/core";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { rfc3986Encode } from "./iamEncoding.ts";

const iam = mockClient(IAMClient);
const client = () => new IAMClient({ region: "us-east-1" });
const ACCOUNT = "111122223333";

/** A padded policy, as an attacker sends it to get its record omitted. */
const POLICY = `{\n    "Version": "2012-10-17",\n    "Statement": [\n        {\n            "Effect": "Allow",\n            "Action": "*",\n            "Resource": "*"\n        }\n    ]\n}${" ".repeat(300)}\n`;
const TRUST = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole"}]}';

const lookup = <C extends PolicyLookup["call"]>(call: C, input: Extract<PolicyLookup, { call: C }>["input"]) =>
  ({ call, input, account: ACCOUNT, field: call === "GetRole" ? "assumeRolePolicyDocument" : "policyDocument", request: {} }) as PolicyLookup;

const policyVersion = lookup("GetPolicyVersion", { PolicyArn: "arn:aws:iam::111122223333:policy/billing-export", VersionId: "v1" });
const getRole = lookup("GetRole", { RoleName: "partner-sync" });

/** GetRole's `Role`, shaped as the IAM API reference shows it. */
const role = (arn: string) => ({
  Path: "/",
  RoleName: "partner-sync",
  RoleId: "AROA6ON6E4XEPARTNER01",
  Arn: arn,
  CreateDate: new Date("2026-11-21T04:07:13Z"),
  AssumeRolePolicyDocument: rfc3986Encode(TRUST),
  MaxSessionDuration: 3600,
  RoleLastUsed: {},
});

const failure = (name: string, status: number, message: string) => new IAMServiceException({ name, $fault: "client", $metadata: { httpStatusCode: status }, message });

async function fetchError(target: PolicyLookup): Promise<PolicyFetchError> {
  const error = await fetchPolicyDocument(client(), target).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof PolicyFetchError)) throw new Error(`expected a PolicyFetchError, got ${String(error)}`);
  return error;
}

describe("Function: fetchPolicyDocument", () => {
  afterEach(() => iam.reset());

  it("reads a managed policy version and decodes its URL-encoded document, padding and all", async () => {
    iam.on(GetPolicyVersionCommand).resolves({
      PolicyVersion: { Document: rfc3986Encode(POLICY), VersionId: "v1", IsDefaultVersion: true, CreateDate: new Date("2026-11-21T03:14:47Z") },
    });

    await expect(fetchPolicyDocument(client(), policyVersion)).resolves.toBe(POLICY);
    expect(iam.commandCalls(GetPolicyVersionCommand).map((call) => call.args[0].input)).toEqual([
      { PolicyArn: "arn:aws:iam::111122223333:policy/billing-export", VersionId: "v1" },
    ]);
  });

  it("reads inline policies with GetUserPolicy, GetGroupPolicy and GetRolePolicy", async () => {
    const inline = (sid: string) => POLICY.replace('"Effect"', `"Sid": "${sid}",\n            "Effect"`);
    // Each answer echoes the request's names next to the document.
    iam.on(GetUserPolicyCommand).resolves({ UserName: "ana", PolicyName: "ops", PolicyDocument: rfc3986Encode(inline("User")) });
    iam.on(GetGroupPolicyCommand).resolves({ GroupName: "admins", PolicyName: "ops", PolicyDocument: rfc3986Encode(inline("Group")) });
    iam.on(GetRolePolicyCommand).resolves({ RoleName: "app", PolicyName: "ops", PolicyDocument: rfc3986Encode(inline("Role")) });

    const documents = [
      await fetchPolicyDocument(client(), lookup("GetUserPolicy", { UserName: "ana", PolicyName: "ops" })),
      await fetchPolicyDocument(client(), lookup("GetGroupPolicy", { GroupName: "admins", PolicyName: "ops" })),
      await fetchPolicyDocument(client(), lookup("GetRolePolicy", { RoleName: "app", PolicyName: "ops" })),
    ];

    expect(documents).toEqual([inline("User"), inline("Group"), inline("Role")]);
    expect(iam.commandCalls(GetUserPolicyCommand)[0]?.args[0].input).toEqual({ UserName: "ana", PolicyName: "ops" });
    expect(iam.commandCalls(GetGroupPolicyCommand)[0]?.args[0].input).toEqual({ GroupName: "admins", PolicyName: "ops" });
    expect(iam.commandCalls(GetRolePolicyCommand)[0]?.args[0].input).toEqual({ RoleName: "app", PolicyName: "ops" });
  });

  it("reads a role's trust policy with GetRole", async () => {
    iam.on(GetRoleCommand).resolves({ Role: role("arn:aws:iam::111122223333:role/partner-sync") });

    await expect(fetchPolicyDocument(client(), getRole)).resolves.toBe(TRUST);
    expect(iam.commandCalls(GetRoleCommand)[0]?.args[0].input).toEqual({ RoleName: "partner-sync" });
  });

  it("refuses a trust policy GetRole returned for a role of another account than the event's", async () => {
    iam.on(GetRoleCommand).resolves({ Role: role("arn:aws:iam::999988887777:role/partner-sync") });

    const error = await fetchError(getRole);

    expect(error).toMatchObject({ name: "PolicyFetchError", call: "GetRole", reason: "OtherAccount" });
    expect(error.message).toContain("arn:aws:iam::999988887777:role/partner-sync");
  });

  it("reports a policy deleted since the event as NoSuchEntity, naming the call", async () => {
    const deleted = new NoSuchEntityException({
      message: "Policy arn:aws:iam::111122223333:policy/billing-export version v1 does not exist or is not attachable.",
      $metadata: { httpStatusCode: 404 },
    });
    iam.on(GetPolicyVersionCommand).rejects(deleted);

    const error = await fetchError(policyVersion);

    expect(error).toMatchObject({ call: "GetPolicyVersion", reason: "NoSuchEntity", code: "NoSuchEntityException", cause: deleted });
    expect(error.message).toBe(
      "iam:GetPolicyVersion arn:aws:iam::111122223333:policy/billing-export v1: NoSuchEntity: Policy arn:aws:iam::111122223333:policy/billing-export version v1 does not exist or is not attachable.",
    );
  });

  it("reports a role deleted since the event as NoSuchEntity", async () => {
    iam.on(GetRoleCommand).rejects(new NoSuchEntityException({ message: "The role with name partner-sync cannot be found.", $metadata: { httpStatusCode: 404 } }));

    expect(await fetchError(getRole)).toMatchObject({ call: "GetRole", input: { RoleName: "partner-sync" }, reason: "NoSuchEntity" });
  });

  it("reports a monitor role without the permission as AccessDenied", async () => {
    iam.on(GetPolicyVersionCommand).rejects(
      failure(
        "AccessDenied",
        403,
        "User: arn:aws:sts::111122223333:assumed-role/vigil-evaluate/vigil-evaluate-fn is not authorized to perform: iam:GetPolicyVersion on resource: policy arn:aws:iam::111122223333:policy/billing-export because no identity-based policy allows the iam:GetPolicyVersion action",
      ),
    );

    expect(await fetchError(policyVersion)).toMatchObject({ reason: "AccessDenied", code: "AccessDenied" });
  });

  it("reports any other refusal as Failed with IAM's error name", async () => {
    iam.on(GetPolicyVersionCommand).rejects(failure("Throttling", 400, "Rate exceeded"));

    expect(await fetchError(policyVersion)).toMatchObject({ reason: "Failed", code: "Throttling", message: expect.stringContaining("Rate exceeded") });
  });

  it("reports an answer without a document, or with broken encoding, as NoDocument naming the field", async () => {
    iam.on(GetPolicyVersionCommand).resolvesOnce({ PolicyVersion: { VersionId: "v1", IsDefaultVersion: true } });
    iam.on(GetRoleCommand).resolvesOnce({ Role: { ...role("arn:aws:iam::111122223333:role/partner-sync"), AssumeRolePolicyDocument: "%7B%22Version%2" } });

    const missing = await fetchError(policyVersion);
    const broken = await fetchError(getRole);

    expect(missing).toMatchObject({ reason: "NoDocument", message: expect.stringContaining("the answer has no PolicyVersion.Document") });
    expect(broken).toMatchObject({ reason: "NoDocument", message: expect.stringContaining("Role.AssumeRolePolicyDocument is not valid URL encoding") });
  });
});

import { type CloudTrailEvent, omittedPolicyLookup, parseEvent, policyChangeOf, withPolicyDocument } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";
import { actions } from "../../../helpers/policy.ts";

type Record = { [key: string]: unknown };

const DIR = "omitted-policies";
const record = (file: string) => loadFixture<Record>(`${DIR}/${file}`);
const event = (file: string, changes: Record = {}): CloudTrailEvent => parseEvent({ ...record(file), ...changes });
const ADMIN = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] });

describe("Function: omittedPolicyLookup", () => {
  it("reads the default version of a new managed policy from CreatePolicy's response", () => {
    expect(omittedPolicyLookup(event("create-policy.json"))).toEqual({
      call: "GetPolicyVersion",
      input: { PolicyArn: "arn:aws:iam::111122223333:policy/billing-export", VersionId: "v1" },
      account: "111122223333",
      field: "policyDocument",
      request: { policyName: "billing-export", path: "/" },
    });
  });

  it("reads the trust policy of a new role named in CreateRole's response", () => {
    expect(omittedPolicyLookup(event("create-role.json"))).toEqual({
      call: "GetRole",
      input: { RoleName: "partner-sync" },
      account: "111122223333",
      field: "assumeRolePolicyDocument",
      request: { roleName: "partner-sync", path: "/" },
    });
  });

  it("reads the new version of the policy a record's resources name, keeping whether it became the default", () => {
    expect(omittedPolicyLookup(event("create-policy-version-with-resources.json"))).toEqual({
      call: "GetPolicyVersion",
      input: { PolicyArn: "arn:aws:iam::111122223333:policy/deploy/app-runtime-access", VersionId: "v2" },
      account: "111122223333",
      field: "policyDocument",
      request: { policyArn: "arn:aws:iam::111122223333:policy/deploy/app-runtime-access", setAsDefault: false },
    });
  });

  it("reads the trust policy of the role a record's resources name, by the role's name without its path", () => {
    expect(omittedPolicyLookup(event("update-assume-role-policy-with-resources.json"))).toMatchObject({
      call: "GetRole",
      input: { RoleName: "batch-runner" },
      field: "policyDocument",
      request: { roleName: "batch-runner" },
    });
  });

  it.each([
    ["CreatePolicyVersion, whose response has the version but not the policy", "create-policy-version.json"],
    ["PutUserPolicy, whose response is null", "put-user-policy.json"],
    ["PutGroupPolicy, whose response is null", "put-group-policy.json"],
    ["PutRolePolicy, whose response is null", "put-role-policy.json"],
    ["UpdateAssumeRolePolicy, whose response is null", "update-assume-role-policy.json"],
    ["CreateRole, whose response was omitted too", "create-role-response-omitted.json"],
  ])("has no lookup where the record no longer names the policy: %s", (_name, file) => {
    const omitted = event(file);

    expect(omittedPolicyLookup(omitted)).toBeUndefined();
    expect(policyChangeOf(omitted)?.problem?.kind).toBe("omitted");
  });

  it.each([
    ["PutUserPolicy", "put-user-policy.json", { userName: "ana", policyName: "ops" }, { call: "GetUserPolicy", input: { UserName: "ana", PolicyName: "ops" } }],
    ["PutGroupPolicy", "put-group-policy.json", { groupName: "ops", policyName: "ops" }, { call: "GetGroupPolicy", input: { GroupName: "ops", PolicyName: "ops" } }],
    ["PutRolePolicy", "put-role-policy.json", { roleName: "app", policyName: "ops" }, { call: "GetRolePolicy", input: { RoleName: "app", PolicyName: "ops" } }],
  ])("reads the inline policy of %s when the names survive next to the omitted marker", (_name, file, names, read) => {
    const requestParameters = { reason: "requestParameters too large", omitted: true, ...names };

    expect(omittedPolicyLookup(event(file, { requestParameters }))).toMatchObject({ ...read, field: "policyDocument", request: names });
  });

  it("has no lookup for a refused call, even when the record names the entity", () => {
    expect(omittedPolicyLookup(event("update-assume-role-policy-with-resources.json", { errorCode: "MalformedPolicyDocumentException" }))).toBeUndefined();
  });

  it("has no lookup for a record whose document is present, or that writes no policy", () => {
    const present = event("create-policy.json", { requestParameters: { policyName: "billing-export", policyDocument: ADMIN } });
    const attach = event("create-policy.json", { eventName: "AttachUserPolicy" });

    expect(omittedPolicyLookup(present)).toBeUndefined();
    expect(omittedPolicyLookup(attach)).toBeUndefined();
  });

  it("has no lookup for a record that lacks its document without CloudTrail saying it omitted it", () => {
    expect(omittedPolicyLookup(event("create-policy.json", { requestParameters: null }))).toBeUndefined();
  });
});

describe("Function: withPolicyDocument", () => {
  it("puts the document back where the policy rules read it, with the call's names and without the omitted marker", () => {
    const omitted = event("create-policy.json");
    const lookup = omittedPolicyLookup(omitted);
    if (!lookup) throw new Error("expected a lookup");

    const restored = withPolicyDocument(omitted, lookup, ADMIN);
    const change = policyChangeOf(restored, actions);

    expect(restored.requestParameters).toEqual({ policyName: "billing-export", path: "/", policyDocument: ADMIN });
    expect(change).toMatchObject({ problem: undefined, target: "arn:aws:iam::111122223333:policy/billing-export", policyName: "billing-export" });
    expect(change?.permissions?.fullAdmin).toBeDefined();
    expect(restored.eventID).toBe(omitted.eventID);
    expect(omitted.requestParameters).toMatchObject({ omitted: true });
  });

  it("restores a trust policy into assumeRolePolicyDocument and names the role", () => {
    const omitted = event("create-role.json");
    const lookup = omittedPolicyLookup(omitted);
    if (!lookup) throw new Error("expected a lookup");
    const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] });

    const change = policyChangeOf(withPolicyDocument(omitted, lookup, trust));

    expect(change).toMatchObject({ kind: "trust", problem: undefined, target: "arn:aws:iam::111122223333:role/partner-sync" });
    expect(change?.trust?.public).toHaveLength(1);
  });

  it("keeps whether a new policy version became the default, which the rules' summaries tell", () => {
    const omitted = event("create-policy-version-with-resources.json");
    const lookup = omittedPolicyLookup(omitted);
    if (!lookup) throw new Error("expected a lookup");

    const change = policyChangeOf(withPolicyDocument(omitted, lookup, ADMIN));

    expect(change).toMatchObject({ setAsDefault: false, target: "arn:aws:iam::111122223333:policy/deploy/app-runtime-access", problem: undefined });
  });

  it("leaves a fetched document that is not a policy to be reported as unreadable", () => {
    const omitted = event("create-policy.json");
    const lookup = omittedPolicyLookup(omitted);
    if (!lookup) throw new Error("expected a lookup");

    expect(policyChangeOf(withPolicyDocument(omitted, lookup, '{"Version":"2012-10-17"}'))?.problem).toMatchObject({ kind: "unparseable" });
  });
});

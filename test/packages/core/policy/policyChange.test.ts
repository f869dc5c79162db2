import { type CloudTrailEvent, describePolicyChange, parseEvent, policyChangeOf } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { loadFixture } from "../../../helpers/fixtures.ts";
import { actions } from "../../../helpers/policy.ts";

type Record = { [key: string]: unknown; requestParameters?: { [key: string]: unknown } | null };

const createPolicy = () => loadFixture<{ Records: Record[] }>("rules/policy-grants-full-admin/positive-create-policy-star.json").Records[0] as Record;
const createRole = () => loadFixture<{ Records: Record[] }>("rules/trust-policy-public/positive-principal-star.json").Records[0] as Record;
const event = (record: Record): CloudTrailEvent => parseEvent(record);
const call = (eventName: string, requestParameters: Record["requestParameters"], responseElements: unknown = null) =>
  event({ ...createPolicy(), eventName, requestParameters, responseElements });

describe("Function: policyChangeOf", () => {
  it("reads and analyses the document of an identity-policy call", () => {
    const change = policyChangeOf(event(createPolicy()), actions);

    expect(change).toMatchObject({
      kind: "identity",
      eventName: "CreatePolicy",
      target: "arn:aws:iam::111122223333:policy/backup-maintenance",
      policyName: "backup-maintenance",
      field: "policyDocument",
      problem: undefined,
      trust: undefined,
    });
    expect(change?.permissions?.fullAdmin).toBeDefined();
  });

  it("reads the trust policy of CreateRole from assumeRolePolicyDocument", () => {
    const change = policyChangeOf(event(createRole()));

    expect(change).toMatchObject({ kind: "trust", field: "assumeRolePolicyDocument", target: "arn:aws:iam::111122223333:role/support-access" });
    expect(change?.trust?.public).toHaveLength(1);
  });

  it.each([
    ["CreatePolicy without a response", "CreatePolicy", { policyName: "p", path: "/team/" }, "arn:aws:iam::111122223333:policy/team/p"],
    ["CreatePolicyVersion", "CreatePolicyVersion", { policyArn: "arn:aws:iam::111122223333:policy/p" }, "arn:aws:iam::111122223333:policy/p"],
    ["PutUserPolicy", "PutUserPolicy", { userName: "ana" }, "arn:aws:iam::111122223333:user/ana"],
    ["PutGroupPolicy", "PutGroupPolicy", { groupName: "ops" }, "arn:aws:iam::111122223333:group/ops"],
    ["PutRolePolicy", "PutRolePolicy", { roleName: "app" }, "arn:aws:iam::111122223333:role/app"],
    ["CreateRole without a response", "CreateRole", { roleName: "app", path: "/service/" }, "arn:aws:iam::111122223333:role/service/app"],
    ["UpdateAssumeRolePolicy", "UpdateAssumeRolePolicy", { roleName: "app" }, "arn:aws:iam::111122223333:role/app"],
    ["PutRolePolicy with its parameters omitted", "PutRolePolicy", { reason: "requestParameters too large", omitted: true }, "arn:aws:iam::111122223333:role/<unknown>"],
  ])("names the target of %s", (_name, eventName, requestParameters, target) => {
    expect(policyChangeOf(call(eventName, requestParameters))?.target).toBe(target);
  });

  it.each([
    ["omitted: true", { reason: "requestParameters too large", omitted: true, originalSize: 118204 }, { kind: "omitted", reason: "requestParameters too large", originalSize: 118204 }],
    ['omitted: "true" without a size', { reason: "requestParameters too large", omitted: "true" }, { kind: "omitted", reason: "requestParameters too large", originalSize: undefined }],
    ["only the reason", { reason: "requestParameters too large" }, { kind: "omitted", reason: "requestParameters too large", originalSize: undefined }],
    ["null requestParameters", null, { kind: "missing" }],
    ["no document field", { policyName: "p" }, { kind: "missing" }],
    ["an empty document", { policyName: "p", policyDocument: "" }, { kind: "missing" }],
    ["a document that is not JSON", { policyName: "p", policyDocument: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [" }, { kind: "unparseable" }],
    ["a document that is not a policy", { policyName: "p", policyDocument: '{"Version":"2012-10-17"}' }, { kind: "unparseable", message: "Statement: required field is missing" }],
  ])("reports a document it cannot read: %s", (_name, requestParameters, problem) => {
    const change = policyChangeOf(call("CreatePolicy", requestParameters));

    expect(change?.problem).toMatchObject(problem);
    expect(change?.permissions).toBeUndefined();
  });

  it("reads a document a pipeline has already parsed into an object, or URL-encoded", () => {
    const document = { Version: "2012-10-17", Statement: { Effect: "Allow", Action: "iam:*", Resource: "*" } };

    const asObject = policyChangeOf(call("PutUserPolicy", { userName: "ana", policyName: "p", policyDocument: document }));
    const encoded = policyChangeOf(call("PutUserPolicy", { userName: "ana", policyName: "p", policyDocument: encodeURIComponent(JSON.stringify(document)) }));

    expect(asObject?.permissions?.wildcards.map((grant) => grant.pattern)).toEqual(["iam:*"]);
    expect(encoded?.permissions?.wildcards.map((grant) => grant.pattern)).toEqual(["iam:*"]);
  });

  it("is undefined for calls that carry no policy document", () => {
    expect(policyChangeOf(call("AttachUserPolicy", { userName: "ana", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" }))).toBeUndefined();
    expect(policyChangeOf(event({ ...createPolicy(), eventSource: "sts.amazonaws.com" }))).toBeUndefined();
  });

  it("analyses an event once per action index", () => {
    const parsed = event(createPolicy());

    expect(policyChangeOf(parsed, actions)).toBe(policyChangeOf(parsed, actions));
    expect(policyChangeOf(parsed)).not.toBe(policyChangeOf(parsed, actions));
  });
});

describe("Function: describePolicyChange", () => {
  it.each([
    ["CreatePolicy", { policyName: "p" }, "created the managed policy arn:aws:iam::111122223333:policy/p"],
    ["CreatePolicyVersion", { policyArn: "arn:aws:iam::111122223333:policy/p", setAsDefault: true }, "created a new default version of arn:aws:iam::111122223333:policy/p"],
    ["CreatePolicyVersion", { policyArn: "arn:aws:iam::111122223333:policy/p", setAsDefault: false }, "created a new version of arn:aws:iam::111122223333:policy/p (not yet the default)"],
    ["PutGroupPolicy", { groupName: "ops", policyName: "p" }, "wrote the inline policy p on arn:aws:iam::111122223333:group/ops"],
    ["CreateRole", { roleName: "app" }, "created the role arn:aws:iam::111122223333:role/app"],
    ["UpdateAssumeRolePolicy", { roleName: "app" }, "changed the trust policy of arn:aws:iam::111122223333:role/app"],
  ])("%s %j", (eventName, requestParameters, text) => {
    const change = policyChangeOf(call(eventName, requestParameters));

    expect(change && describePolicyChange(change)).toBe(text);
  });
});

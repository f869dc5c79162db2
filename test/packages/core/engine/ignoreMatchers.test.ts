import type { ConfigInput } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture } from "../../../helpers/fixtures.ts";

const RULE = "iam-user-created";
const TERRAFORM_UA = "APN/1.0 HashiCorp/1.0 Terraform/1.9.5 (+https://www.terraform.io) terraform-provider-aws/5.72.1 aws-sdk-go-v2/1.32.2";

/** The CreateUser fixture (ci-deployer, 203.0.113.77, the AWS CLI), with fields changed. */
function createUser(changes: Record<string, unknown> = {}): Record<string, unknown> {
  const record = loadFixture<{ Records: Record<string, unknown>[] }>("rules/iam-user-created/positive-by-access-key.json").Records[0]!;
  return { ...record, ...changes };
}

/** Whether the configuration silences the rule's finding on the record (evaluated at FIXED_NOW, 2026-11-22T12:00Z). */
async function silenced(record: Record<string, unknown>, ...ignore: NonNullable<ConfigInput["ignore"]>): Promise<boolean> {
  expect((await evaluateValue(record)).filter((f) => f.ruleId === RULE), "the record fires without the entry").toHaveLength(1);
  return (await evaluateValue(record, { config: { ignore } })).filter((f) => f.ruleId === RULE).length === 0;
}

const reason = "test";

describe("Class: Engine, ignore entries", () => {
  it("matches userAgent as a case-insensitive glob over the whole user agent", async () => {
    const terraform = createUser({ userAgent: TERRAFORM_UA });
    expect(await silenced(terraform, { userAgent: "*terraform*", reason })).toBe(true);
    expect(await silenced(terraform, { userAgent: "*TERRAFORM*", reason })).toBe(true);
    expect(await silenced(terraform, { userAgent: "terraform*", reason })).toBe(false);
    expect(await silenced(createUser(), { userAgent: "*terraform*", reason })).toBe(false);
    expect(await silenced(createUser({ userAgent: undefined }), { userAgent: "*", reason })).toBe(false);
  });

  it("matches invokedBy against the service that acted for the principal, never when no service did", async () => {
    const identity = createUser().userIdentity as Record<string, unknown>;
    const viaStack = createUser({ userIdentity: { ...identity, invokedBy: "cloudformation.amazonaws.com" }, sourceIPAddress: "cloudformation.amazonaws.com" });
    expect(await silenced(viaStack, { invokedBy: "cloudformation.amazonaws.com", reason })).toBe(true);
    expect(await silenced(viaStack, { invokedBy: "*.amazonaws.com", reason })).toBe(true);
    expect(await silenced(viaStack, { invokedBy: "lambda.amazonaws.com", reason })).toBe(false);
    expect(await silenced(createUser(), { invokedBy: "*", reason })).toBe(false);
  });

  it("matches sourceIp by address or CIDR block, IPv4 and IPv6, one or a list; a service name is no address", async () => {
    expect(await silenced(createUser(), { sourceIp: "203.0.113.77", reason })).toBe(true);
    expect(await silenced(createUser(), { sourceIp: "203.0.113.0/24", reason })).toBe(true);
    expect(await silenced(createUser(), { sourceIp: ["198.51.100.0/24", "203.0.112.0/23"], reason })).toBe(true);
    expect(await silenced(createUser(), { sourceIp: "203.0.113.76/32", reason })).toBe(false);
    expect(await silenced(createUser({ sourceIPAddress: "2001:db8:4::17" }), { sourceIp: "2001:db8::/32", reason })).toBe(true);
    expect(await silenced(createUser({ sourceIPAddress: "2001:db9::17" }), { sourceIp: "2001:db8::/32", reason })).toBe(false);
    expect(await silenced(createUser({ sourceIPAddress: "cloudformation.amazonaws.com" }), { sourceIp: ["0.0.0.0/0", "::/0"], reason })).toBe(false);
  });

  it("needs every matcher an entry gives to match, and only for the rules it lists", async () => {
    const terraform = createUser({ userAgent: TERRAFORM_UA });
    const principal = "arn:aws:iam::111122223333:user/ci-*";
    expect(await silenced(terraform, { principal, userAgent: "*terraform*", sourceIp: "203.0.113.0/24", reason })).toBe(true);
    expect(await silenced(terraform, { principal, userAgent: "*terraform*", sourceIp: "198.51.100.0/24", reason })).toBe(false);
    expect(await silenced(terraform, { principal: "arn:aws:iam::*:user/other", userAgent: "*terraform*", reason })).toBe(false);
    expect(await silenced(terraform, { principal, userAgent: "*terraform*", rules: ["root-console-login"], reason })).toBe(false);
    expect(await silenced(terraform, { principal, userAgent: "*terraform*", rules: [RULE], reason })).toBe(true);
  });

  it("stops silencing once the entry has expired by the engine's clock, a date holding through its day UTC", async () => {
    const principal = "arn:aws:iam::*:user/ci-*";
    expect(await silenced(createUser(), { principal, reason, expires: "2026-11-22" })).toBe(true);
    expect(await silenced(createUser(), { principal, reason, expires: "2026-11-21" })).toBe(false);
    expect(await silenced(createUser(), { principal, reason, expires: "2026-11-22T12:00:00.001Z" })).toBe(true);
    expect(await silenced(createUser(), { principal, reason, expires: "2026-11-22T12:00:00Z" })).toBe(false);
    // An expired entry does not hide what another, live entry silences.
    expect(await silenced(createUser(), { principal, reason, expires: "2026-01-01" }, { sourceIp: "203.0.113.77", reason })).toBe(true);
  });
});

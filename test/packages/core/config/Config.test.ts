import { catalogue, ConfigError, resolveConfig } from "@vigil/core";
import { describe, expect, it } from "vitest";

describe("Function: resolveConfig", () => {
  it("gives every rule enabled with its default severity when empty", () => {
    const config = resolveConfig({}, catalogue);
    expect([...config.rules.values()].every((rule) => rule.enabled && rule.severity === undefined)).toBe(true);
    expect(config.settings.privilegedGroupPatterns.map((pattern) => pattern.source)).toEqual(["admin"]);
  });

  it.each([
    [{ trustedAcounts: [] }, 'unknown key "trustedAcounts"'],
    [{ trustedAccounts: ["12345"] }, "trustedAccounts.0: must be a 12-digit AWS account id"],
    [{ rules: { "no-such-rule": { enabled: false } } }, "rules.no-such-rule: unknown rule id"],
    [{ rules: { "root-console-login": { severity: "SEVERE" } } }, "rules.root-console-login.severity"],
    [{ rules: { "root-console-login": { threshold: 3 } } }, "rules.root-console-login.threshold: unknown key"],
    [{ ignore: [{ principal: "arn:aws:iam::*:role/BreakGlass" }] }, "ignore.0.reason"],
    [{ ignore: [{ principal: "arn:aws:iam::*:role/BreakGlass", reason: "x", rules: ["nope"] }] }, 'ignore.0.rules: unknown rule id "nope"'],
    [{ ignore: [{ reason: "x" }] }, "ignore.0: needs at least one of principal, userAgent, invokedBy, sourceIp to match by"],
    [{ ignore: [{ principal: "a", reason: "x" }, { reason: "x", rules: ["iam-user-created"] }] }, "ignore.1: needs at least one of"],
    [{ ignore: [{ principal: "", reason: "x" }] }, "ignore.0.principal"],
    [{ ignore: [{ userAgent: "*terraform*", reason: "" }] }, "ignore.0.reason: a reason is required for every ignore entry"],
    [{ ignore: [{ userAgent: "*terraform*", reason: "IaC", owner: "" }] }, "ignore.0.owner"],
    [{ ignore: [{ userAgent: "*terraform*", reason: "IaC", expires: "31/01/2026" }] }, "ignore.0.expires: must be a date (2026-01-31) or a date-time with a zone"],
    [{ ignore: [{ userAgent: "*terraform*", reason: "IaC", expires: "2026-02-30" }] }, "ignore.0.expires: must be a date"],
    [{ ignore: [{ userAgent: "*terraform*", reason: "IaC", expires: "2026-01-31T18:00:00" }] }, "ignore.0.expires: must be a date"],
    [{ ignore: [{ principal: "a", reason: "x" }, { principal: "b", reason: "x" }, { sourceIp: "10.0.0.0/33", reason: "VPN" }] }, "ignore.2.sourceIp: must be an IPv4 or IPv6 address or CIDR block"],
    [{ ignore: [{ sourceIp: ["10.0.0.0/8", "cloudformation.amazonaws.com"], reason: "VPN" }] }, "ignore.0.sourceIp.1: must be an IPv4 or IPv6 address or CIDR block"],
    [{ ignore: [{ sourceIp: [], reason: "VPN" }] }, "ignore.0.sourceIp: must list at least one address or CIDR block"],
    [{ ignore: [{ sourceIp: "2001:db8::/129", reason: "VPN" }] }, "ignore.0.sourceIp: must be an IPv4 or IPv6"],
    [{ ignore: [{ invokedBy: "cloudformation.amazonaws.com", reason: "x", resource: "y" }] }, 'ignore.0: unknown key "resource"'],
    [{ privilegedGroupPatterns: ["(unclosed"] }, "privilegedGroupPatterns.0: must be a valid regular expression"],
    [{ privilegedGroupPatterns: ["admin", "^(a+)+$"] }, "privilegedGroupPatterns.1: repeats a group that itself repeats"],
  ])("rejects %j naming the key", (input, message) => {
    expect(() => resolveConfig(input, catalogue)).toThrow(ConfigError);
    expect(() => resolveConfig(input, catalogue)).toThrow(message);
  });

  it("compiles ignore patterns as whole-ARN globs", () => {
    const [entry] = resolveConfig({ ignore: [{ principal: "arn:aws:iam::*:role/BreakGlass*", reason: "break-glass" }] }, catalogue).ignore;
    expect(entry?.principal?.test("arn:aws:iam::111122223333:role/BreakGlassAdmin")).toBe(true);
    expect(entry?.principal?.test("arn:aws:iam::111122223333:role/NotBreakGlass")).toBe(false);
  });

  it("takes an entry by user agent, service or source address alone, with an owner and an expiry", () => {
    const input = {
      ignore: [
        { userAgent: "*Terraform*", reason: "IaC pipeline", owner: "platform-team", expires: "2026-01-31", rules: ["iam-user-created"] },
        { invokedBy: "cloudformation.amazonaws.com", reason: "stacks" },
        { sourceIp: ["203.0.113.0/24", "2001:db8::1"], reason: "office", expires: "2026-06-30T17:00:00+02:00" },
      ],
    };
    const [byAgent, byService, byAddress] = resolveConfig(input, catalogue).ignore;
    expect(byAgent?.userAgent?.test("APN/1.0 HashiCorp/1.0 terraform/1.9.5")).toBe(true);
    expect(byAgent).toMatchObject({ index: 0, entry: input.ignore[0], expiresAt: Date.parse("2026-02-01T00:00:00Z") });
    expect(byService?.invokedBy?.test("cloudformation.amazonaws.com")).toBe(true);
    expect(byService?.expiresAt).toBeUndefined();
    expect(byAddress?.sourceIp?.has("203.0.113.9")).toBe(true);
    expect(byAddress?.sourceIp?.has("2001:db8::2")).toBe(false);
    expect(byAddress?.expiresAt).toBe(Date.parse("2026-06-30T15:00:00Z"));
  });

  it("refuses a configuration that is not an object, and reads no configuration as the defaults", () => {
    expect(() => resolveConfig(null, catalogue)).toThrow("expected a JSON object, got null");
    expect(() => resolveConfig([], catalogue)).toThrow("expected a JSON object, got an array");
    expect(resolveConfig(undefined, catalogue).ignore).toEqual([]);
  });
});

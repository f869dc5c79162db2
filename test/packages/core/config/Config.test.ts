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
    [{ privilegedGroupPatterns: ["(unclosed"] }, "privilegedGroupPatterns.0: must be a valid regular expression"],
    [{ privilegedGroupPatterns: ["admin", "^(a+)+$"] }, "privilegedGroupPatterns.1: repeats a group that itself repeats"],
  ])("rejects %j naming the key", (input, message) => {
    expect(() => resolveConfig(input, catalogue)).toThrow(ConfigError);
    expect(() => resolveConfig(input, catalogue)).toThrow(message);
  });

  it("compiles ignore patterns as whole-ARN globs", () => {
    const [entry] = resolveConfig({ ignore: [{ principal: "arn:aws:iam::*:role/BreakGlass*", reason: "break-glass" }] }, catalogue).ignore;
    expect(entry?.pattern.test("arn:aws:iam::111122223333:role/BreakGlassAdmin")).toBe(true);
    expect(entry?.pattern.test("arn:aws:iam::111122223333:role/NotBreakGlass")).toBe(false);
  });

  it("refuses a configuration that is not an object, and reads no configuration as the defaults", () => {
    expect(() => resolveConfig(null, catalogue)).toThrow("expected a JSON object, got null");
    expect(() => resolveConfig([], catalogue)).toThrow("expected a JSON object, got an array");
    expect(resolveConfig(undefined, catalogue).ignore).toEqual([]);
  });
});

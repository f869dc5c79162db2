import { ConfigError, catalogue, postureChecks, resolveConfig } from "@vigil/core";
import { describe, expect, it } from "vitest";

describe("Function: resolveConfig with posture checks", () => {
  it("knows every posture check with its default thresholds, apart from the event rules", () => {
    const config = resolveConfig({}, catalogue);
    expect([...config.checks.keys()]).toEqual(postureChecks.map((check) => check.meta.id));
    expect(config.checks.get("access-key-not-rotated")).toEqual({ enabled: true, params: { maxAgeDays: 90, reminderDays: 80 } });
    expect(config.checks.get("credentials-unused")?.params).toEqual({ maxUnusedDays: 45 });
    expect(config.checks.get("root-used-recently")?.params).toEqual({ windowDays: 30 });
    expect([...config.rules.keys()]).toEqual(catalogue.map((rule) => rule.meta.id));
  });

  it("takes a check's thresholds, enabled and severity under rules, and check ids in ignore entries", () => {
    const config = resolveConfig(
      {
        rules: { "credentials-unused": { maxUnusedDays: 90, severity: "LOW" }, "no-support-role": { enabled: false } },
        ignore: [{ principal: "arn:aws:iam::*:user/svc-*", reason: "service users", rules: ["credentials-unused", "root-activity"] }],
      },
      catalogue,
    );
    expect(config.checks.get("credentials-unused")).toEqual({ enabled: true, severity: "LOW", params: { maxUnusedDays: 90 } });
    expect(config.checks.get("no-support-role")?.enabled).toBe(false);
    expect(config.ignore[0]?.rules).toEqual(new Set(["credentials-unused", "root-activity"]));
  });

  it.each([
    [{ rules: { "credentials-unused": { maxUnusedDays: 0 } } }, "rules.credentials-unused.maxUnusedDays"],
    [{ rules: { "credentials-unused": { maxUnusedDay: 30 } } }, 'rules.credentials-unused: unknown key "maxUnusedDay"'],
    [{ rules: { "root-mfa-disabled": { threshold: 3 } } }, "rules.root-mfa-disabled.threshold: unknown key"],
    [{ rules: { "password-policy-weak": { minimumLength: "14" } } }, "rules.password-policy-weak.minimumLength"],
  ])("rejects %j naming the key", (input, message) => {
    expect(() => resolveConfig(input, catalogue)).toThrow(ConfigError);
    expect(() => resolveConfig(input, catalogue)).toThrow(message);
  });

  it("rejects posture ids when given no posture checks", () => {
    expect(() => resolveConfig({ rules: { "credentials-unused": { enabled: false } } }, catalogue, [])).toThrow("rules.credentials-unused: unknown rule id");
  });
});

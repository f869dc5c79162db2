import { catalogue, expiredEntries, resolveConfig } from "@vigil/core";
import { describe, expect, it } from "vitest";

const entry = (expires: string) => ({ principal: "arn:aws:iam::*:user/ci-*", reason: "CI", expires });
const expiredAt = (expires: string, now: string) => expiredEntries(resolveConfig({ ignore: [entry(expires)] }, catalogue), new Date(now)).length === 1;

describe("Function: expiredEntries", () => {
  it("holds a date-only expiry through the end of that day UTC", () => {
    expect(expiredAt("2026-01-31", "2026-01-31T00:00:00.000Z")).toBe(false);
    expect(expiredAt("2026-01-31", "2026-01-31T23:59:59.999Z")).toBe(false);
    expect(expiredAt("2026-01-31", "2026-02-01T00:00:00.000Z")).toBe(true);
  });

  it("ends a date-time expiry at that instant, in the zone it names", () => {
    expect(expiredAt("2026-01-31T18:00:00Z", "2026-01-31T17:59:59.999Z")).toBe(false);
    expect(expiredAt("2026-01-31T18:00:00Z", "2026-01-31T18:00:00.000Z")).toBe(true);
    expect(expiredAt("2026-01-31T18:00+02:00", "2026-01-31T15:59:59.999Z")).toBe(false);
    expect(expiredAt("2026-01-31T18:00+02:00", "2026-01-31T16:00:00.000Z")).toBe(true);
  });

  it("lists only the expired entries, with their place in the file, and never an entry without expires", () => {
    const config = resolveConfig(
      { ignore: [{ principal: "a", reason: "forever" }, { ...entry("2026-01-31"), owner: "platform-team" }, entry("2026-12-31")] },
      catalogue,
    );

    const expired = expiredEntries(config, new Date("2026-06-01T00:00:00Z"));

    expect(expired.map((rule) => [rule.index, rule.entry.owner, rule.entry.expires])).toEqual([[1, "platform-team", "2026-01-31"]]);
    expect(expiredEntries(config, new Date("2025-01-01T00:00:00Z"))).toEqual([]);
  });
});

import { wildcardCovers, wildcardMatch, wildcardsIntersect } from "@vigil/core";
import { describe, expect, it } from "vitest";

describe("Function: wildcardMatch", () => {
  it.each([
    ["*", "", true],
    ["*", "anything at all", true],
    ["?", "", false],
    ["?", "a", true],
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::logs/2026/11/20.gz", true],
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::logs", false],
    ["arn:aws:iam::*:role/?dmin", "arn:aws:iam::123456789012:role/Admin", true],
    ["arn:aws:iam::*:role/?dmin", "arn:aws:iam::123456789012:role/admin2", false],
    ["a*b*c", "aXXbYYc", true],
    ["a*b*c", "aXXcYYb", false],
    ["Resource", "resource", false],
  ])("%s on %s: %s", (pattern, text, expected) => {
    expect(wildcardMatch(pattern, text)).toBe(expected);
  });

  it("folds case when asked", () => {
    expect(wildcardMatch("IAM:Create*", "iam:createuser", { ignoreCase: true })).toBe(true);
    expect(wildcardMatch("IAM:Create*", "iam:createuser")).toBe(false);
  });

  it("stays fast on a hostile pattern", () => {
    const started = performance.now();
    expect(wildcardMatch(`${"*a".repeat(40)}b`, "a".repeat(2000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe("Function: wildcardCovers", () => {
  it.each([
    ["*", "arn:aws:s3:::logs/*", true],
    ["arn:aws:s3:::*", "arn:aws:s3:::logs/*", true],
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::*", false],
    ["arn:aws:s3:::logs/?", "arn:aws:s3:::logs/*", false],
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::logs/?", true],
    ["*?", "?*", true],
    ["?*", "*?*", true],
    ["a", "a", true],
    ["a", "b", false],
    ["*", "", true],
    ["?", "", false],
  ])("%s covers %s: %s", (outer, inner, expected) => {
    expect(wildcardCovers(outer, inner)).toBe(expected);
  });
});

describe("Function: wildcardsIntersect", () => {
  it.each([
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::*/2026", true],
    ["arn:aws:s3:::logs/*", "arn:aws:s3:::audit/*", false],
    ["a?c", "*b*", true],
    ["a?c", "*dd*", false],
    ["", "*", true],
    ["", "?", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(wildcardsIntersect(a, b)).toBe(expected);
    expect(wildcardsIntersect(b, a)).toBe(expected);
  });
});

import { catalogue } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { evaluateFixture } from "../../../helpers/evaluate.ts";
import { ruleFixtures } from "../../../helpers/fixtures.ts";

describe("Registry: catalogue", () => {
  it("has unique rule ids", () => {
    const ids = catalogue.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(catalogue.map((rule) => [rule.meta.id, rule] as const))("%s has complete metadata", (_id, rule) => {
    expect(rule.meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(rule.meta.title.length).toBeGreaterThan(5);
    expect(rule.meta.description.length).toBeGreaterThan(40);
    expect(rule.meta.remediation.length).toBeGreaterThan(40);
    expect(rule.selectors.length).toBeGreaterThan(0);
  });

  it.each(catalogue.map((rule) => [rule.meta.id]))("%s has positive and negative fixtures", (id) => {
    const { positive, negative } = ruleFixtures(id);
    expect(positive.length, `test/fixtures/rules/${id}/positive-*.json`).toBeGreaterThan(0);
    expect(negative.length, `test/fixtures/rules/${id}/negative-*.json`).toBeGreaterThan(0);
  });
});

describe("Catalogue fixtures", () => {
  const cases = catalogue.flatMap((rule) => {
    const { positive, negative } = ruleFixtures(rule.meta.id);
    return [
      ...positive.map((file) => [rule.meta.id, file, true] as const),
      ...negative.map((file) => [rule.meta.id, file, false] as const),
    ];
  });

  it.each(cases)("%s on %s fires: %s", async (id, file, fires) => {
    const findings = (await evaluateFixture(file)).filter((finding) => finding.ruleId === id);
    if (fires) expect(findings.length).toBeGreaterThan(0);
    else expect(findings).toEqual([]);
  });
});

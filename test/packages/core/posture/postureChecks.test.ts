import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogue, postureChecks } from "@vigil/core";
import { describe, expect, it } from "vitest";

const HERE = dirname(fileURLToPath(import.meta.url));

describe("Registry: postureChecks", () => {
  it("has unique ids that no event rule uses, since both share the config file's rules", () => {
    const ids = postureChecks.map((check) => check.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    const ruleIds = new Set(catalogue.map((rule) => rule.meta.id));
    expect(ids.filter((id) => ruleIds.has(id))).toEqual([]);
  });

  it.each(postureChecks.map((check) => [check.meta.id, check] as const))("%s has complete metadata, a CIS or AWS IAM best-practice reference and its own tests", (id, check) => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(check.meta.title.length).toBeGreaterThan(5);
    expect(check.meta.description.length).toBeGreaterThan(40);
    expect(check.meta.remediation.length).toBeGreaterThan(40);
    expect(check.meta.references.some((reference) => reference.framework === "CIS AWS Foundations Benchmark v3.0.0" || reference.framework === "AWS IAM best practices")).toBe(true);
    expect(existsSync(join(HERE, "checks", `${id}.test.ts`)), `test/packages/core/posture/checks/${id}.test.ts`).toBe(true);
  });
});

import { loadActionCatalog } from "@vigil/iam-catalog";
import { describe, expect, it } from "vitest";
import { lazyActionCatalog } from "../../../functions/shared/lazyActionCatalog.ts";

describe("Function: lazyActionCatalog", () => {
  it("loads the catalogue on the first question, once, and answers as the catalogue does", () => {
    // Prepare
    const catalog = loadActionCatalog();
    let loads = 0;
    const lazy = lazyActionCatalog(() => {
      loads++;
      return catalog;
    });
    const loadsBefore = loads;

    // Act
    const services = lazy.services();
    const iamActions = lazy.actions("IAM");
    const unknown = lazy.actions("no-such-service");

    // Assess
    expect(loadsBefore).toBe(0);
    expect(loads).toBe(1);
    expect(services).toEqual(catalog.services());
    expect(iamActions).toEqual(catalog.actions("iam"));
    expect(iamActions).toContain("CreatePolicyVersion");
    expect(unknown).toBeUndefined();
  });
});

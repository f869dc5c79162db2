import { loadActionIndex } from "@vigil/iam-actions";
import { describe, expect, it } from "vitest";
import { lazyActionIndex } from "../../../functions/shared/lazyActionIndex.ts";

describe("Function: lazyActionIndex", () => {
  it("loads the index on the first question, once, and answers as the index does", () => {
    // Prepare
    const actionIndex = loadActionIndex();
    let loads = 0;
    const lazy = lazyActionIndex(() => {
      loads++;
      return actionIndex;
    });
    const loadsBefore = loads;

    // Act
    const services = lazy.services();
    const iamActions = lazy.actions("IAM");
    const unknown = lazy.actions("no-such-service");

    // Assess
    expect(loadsBefore).toBe(0);
    expect(loads).toBe(1);
    expect(services).toEqual(actionIndex.services());
    expect(iamActions).toEqual(actionIndex.actions("iam"));
    expect(iamActions).toContain("CreatePolicyVersion");
    expect(unknown).toBeUndefined();
  });
});

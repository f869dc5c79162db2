import { grantedActions, type HeldPolicy } from "@vigil/core";
import { loadActionResources } from "@vigil/iam-actions";
import { describe, expect, it } from "vitest";
import { actions } from "../../../helpers/policy.ts";

const resources = loadActionResources();
const held = (...statements: Record<string, unknown>[]): HeldPolicy[] => [
  { id: "inline:p", name: "p", kind: "inline", document: { Version: "2012-10-17", Statement: statements } },
];
const granted = (...statements: Record<string, unknown>[]) => grantedActions(held(...statements), actions, resources);

describe("grantedActions: what a principal's policies grant, over the action catalogue", () => {
  it("expands wildcards to the catalogue's actions", () => {
    expect(granted({ Effect: "Allow", Action: "sqs:GetQueue*", Resource: "*" }).actions).toEqual(["sqs:GetQueueAttributes", "sqs:GetQueueUrl"]);
    expect(granted({ Effect: "Allow", Action: ["SSM:getparameter"], Resource: "*" }).actions).toEqual(["ssm:GetParameter"]);
  });

  it("reads NotAction as every action it does not name", () => {
    const all = granted({ Effect: "Allow", NotAction: ["iam:*", "s3:*"], Resource: "*" }).actions;
    expect(all).toContain("lambda:InvokeFunction");
    expect(all.some((action) => action.startsWith("iam:") || action.startsWith("s3:"))).toBe(false);
    expect(all.length).toBeGreaterThan(10_000);
  });

  it("removes what an unconditional Deny on every resource denies, and nothing a narrower or conditional Deny does", () => {
    const allow = { Effect: "Allow", Action: ["iam:CreateUser", "iam:DeleteUser", "iam:GetUser"], Resource: "*" };
    expect(granted(allow, { Effect: "Deny", Action: "iam:CreateUser", Resource: "*" }).actions).toEqual(["iam:DeleteUser", "iam:GetUser"]);
    expect(granted(allow, { Effect: "Deny", NotAction: "iam:Get*", Resource: "*" }).actions).toEqual(["iam:GetUser"]);
    expect(granted(allow, { Effect: "Deny", Action: "iam:CreateUser", Resource: "arn:aws:iam::111122223333:user/admin" }).actions).toContain("iam:CreateUser");
    expect(granted(allow, { Effect: "Deny", Action: "iam:CreateUser", Resource: "*", Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } } }).actions).toContain("iam:CreateUser");
  });

  it("grants an action only where the statement's resources could hold one of its resources", () => {
    const onBucket = granted({ Effect: "Allow", Action: ["s3:GetObject", "s3:ListAllMyBuckets", "iam:GetRole"], Resource: "arn:aws:s3:::data/*" });
    expect(onBucket.actions).toEqual(["s3:GetObject"]);
  });

  it("names the conditions it did not evaluate, and the documents it could not read", () => {
    const result = grantedActions(
      [
        ...held({ Sid: "InRegion", Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*", Condition: { StringEquals: { "aws:RequestedRegion": "eu-west-1" } } }),
        { id: "arn:aws:iam::111122223333:policy/broken", name: "broken", kind: "managed", document: "{not json" },
      ],
      actions,
      resources,
    );
    expect(result.actions).toEqual(["ec2:DescribeInstances"]);
    expect(result.conditions).toEqual([{ policy: "inline:p", statement: "InRegion", keys: ["aws:RequestedRegion"] }]);
    expect(result.unparsable.map((entry) => entry.policy)).toEqual(["arn:aws:iam::111122223333:policy/broken"]);
  });
});

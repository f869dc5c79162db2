import { catalogue } from "@vigil/core";
import { App } from "sst/constructs";
import { beforeAll, describe, expect, it } from "vitest";
import sstConfig from "../../sst.config.ts";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { StageConfigError } from "../../stacks/errors.ts";
import { HOME_REGION } from "../../stacks/home.ts";
import { loadStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT, withTestProject } from "../helpers/synth.ts";
import { arnOf, only, type Resource, resources, roleStatements } from "./templateQueries.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;

let synthesized: SynthesizedTemplates;
let config: StageConfig;

beforeAll(async () => {
  synthesized = await synthesizeForTest("test");
  config = loadStageConfig(CONFIG_DIR, "test", catalogue);
});

const homeBus = {
  "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:events:${HOME_REGION}:${TEST_ACCOUNT}:event-bus/default`]],
};

describe("Forwarder", () => {
  it("is deployed once in each forwarder region of the stage, and nowhere else", () => {
    expect([...synthesized.forwarders.keys()]).toEqual([...config.forwarderRegions]);
    expect(config.forwarderRegions).toEqual(["us-east-2", "eu-north-1", "ap-southeast-2"]);
    for (const stack of synthesized.stacks.filter((candidate) => candidate.region !== HOME_REGION)) {
      expect(stack.stackName).toBe("test-vigil-Forwarder");
    }
  });

  it("sends what the derived patterns match to the home region's default bus, in the patterns' states", () => {
    const patterns = patternsFor(config);
    for (const [region, template] of synthesized.forwarders) {
      const [roleId] = only(template, "AWS::IAM::Role", "ForwardRole");
      const rules = Object.values(resources(template, "AWS::Events::Rule"));
      expect(rules, region).toHaveLength(patterns.length);
      for (const derived of patterns) {
        const [, rule] = only(template, "AWS::Events::Rule", `CloudTrail${derived.id.replace(/-/g, "")}`);
        expect(rule.Properties?.EventPattern).toEqual(derived.pattern);
        expect(rule.Properties?.State).toBe(derived.state);
        expect(rule.Properties?.EventBusName).toBeUndefined();
        expect(rule.Properties?.Targets).toEqual([{ Arn: homeBus, Id: "Target0", RoleArn: arnOf(roleId) }]);
      }
    }
  });

  it("forwards with a role EventBridge of this account alone may assume, allowed only to put events on the home bus", () => {
    for (const [region, template] of synthesized.forwarders) {
      const [roleId, role] = only(template, "AWS::IAM::Role", "ForwardRole");
      expect(role.Properties?.AssumeRolePolicyDocument, region).toEqual({
        Statement: [
          {
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": TEST_ACCOUNT } },
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
          },
        ],
        Version: "2012-10-17",
      });
      expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
      expect(roleStatements(template, roleId)).toEqual([{ Action: "events:PutEvents", Effect: "Allow", Resource: homeBus }]);
    }
  });

  it("holds nothing but the rules and their role (and SST's own custom-resource handler)", () => {
    for (const [region, template] of synthesized.forwarders) {
      const types = Object.values(template.toJSON().Resources as Record<string, Resource>).map((resource) => resource.Type);
      expect(new Set(types), region).toEqual(new Set(["AWS::Events::Rule", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::Lambda::Function"]));
      expect(Object.keys(resources(template, "AWS::Lambda::Function"))).toEqual([only(template, "AWS::Lambda::Function", "CustomResourceHandler")[0]]);
    }
  });
});

describe("sst.config.ts", () => {
  it("refuses to deploy to a region that is neither home nor a forwarder region of the stage, naming both", async () => {
    const refusal = await withTestProject("test", async () => {
      const app = new App({ mode: "deploy", name: "vigil", stage: "test", region: "sa-east-1", account: TEST_ACCOUNT });
      return sstConfig.stacks(app).then(() => undefined, (error: unknown) => error);
    });
    expect(refusal).toBeInstanceOf(StageConfigError);
    expect((refusal as Error).message).toBe(
      "config/test.json: region sa-east-1 is neither the home region us-east-1 nor one of forwarderRegions (us-east-2, eu-north-1, ap-southeast-2)",
    );
  });
});

import { catalogue } from "@vigil/core";
import { App } from "sst/constructs";
import { beforeAll, describe, expect, it } from "vitest";
import sstConfig from "../../sst.config.ts";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { StageConfigError } from "../../stacks/errors.ts";
import { HOME_REGION } from "../../stacks/home.ts";
import { loadStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT, withTestProject } from "../helpers/synth.ts";
import { arnOf, only, type Resource, ref, resources, roleStatements, type Statement } from "./templateQueries.ts";

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
        const [deadLettersId] = only(template, "AWS::SQS::Queue", "ForwardDeadLetters");
        expect(rule.Properties?.Targets).toEqual([{ Arn: homeBus, Id: "Target0", RoleArn: arnOf(roleId), DeadLetterConfig: { Arn: arnOf(deadLettersId) } }]);
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

  it("keeps what it could not forward in a dead-letter queue for 14 days, which only its own rules may write to, over TLS", () => {
    for (const [region, template] of synthesized.forwarders) {
      const [deadLettersId, deadLetters] = only(template, "AWS::SQS::Queue", "ForwardDeadLetters");
      expect(deadLetters.Properties, region).toEqual({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
      const [, policy] = only(template, "AWS::SQS::QueuePolicy", "ForwardDeadLettersPolicy");
      const statements = (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
      expect(statements.filter((statement) => statement.Effect === "Deny")).toEqual([
        expect.objectContaining({ Principal: { AWS: "*" }, Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
      const allows = statements.filter((statement) => statement.Effect === "Allow");
      const ruleIds = Object.keys(resources(template, "AWS::Events::Rule"));
      expect(allows).toHaveLength(ruleIds.length);
      for (const ruleId of ruleIds) {
        expect(allows).toContainEqual({
          Action: "sqs:SendMessage",
          Condition: { ArnEquals: { "aws:SourceArn": arnOf(ruleId) } },
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Resource: arnOf(deadLettersId),
          Sid: expect.any(String),
        });
      }
    }
  });

  it("alarms its own region's encrypted ops topic on any dead letter and any failed forward", () => {
    for (const [region, template] of synthesized.forwarders) {
      const [topicId, topic] = only(template, "AWS::SNS::Topic", "OpsTopic");
      expect(topic.Properties?.KmsMasterKeyId, region).toBeDefined();
      for (const email of config.opsEmails) template.hasResourceProperties("AWS::SNS::Subscription", { Endpoint: email, Protocol: "email", TopicArn: ref(topicId) });
      const alarms = Object.values(resources(template, "AWS::CloudWatch::Alarm")).map((alarm) => alarm.Properties ?? {});
      for (const alarm of alarms) expect(alarm).toMatchObject({ AlarmActions: [ref(topicId)], ComparisonOperator: "GreaterThanThreshold", Threshold: 0 });
      const [deadLettersId] = only(template, "AWS::SQS::Queue", "ForwardDeadLetters");
      const watching = (metric: string, dimension: unknown) =>
        alarms.filter((alarm) => alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension)));
      expect(watching("ApproximateNumberOfMessagesVisible", { "Fn::GetAtt": [deadLettersId, "QueueName"] })).toHaveLength(1);
      const ruleIds = Object.keys(resources(template, "AWS::Events::Rule"));
      for (const ruleId of ruleIds) expect(watching("FailedInvocations", ref(ruleId)), ruleId).toHaveLength(1);
      expect(alarms).toHaveLength(1 + ruleIds.length);
    }
  });

  it("holds nothing but the rules, their role, the dead letters and the ops alarms (and SST's own custom-resource handler)", () => {
    for (const [region, template] of synthesized.forwarders) {
      const types = Object.values(template.toJSON().Resources as Record<string, Resource>).map((resource) => resource.Type);
      expect(new Set(types), region).toEqual(
        new Set([
          "AWS::Events::Rule",
          "AWS::IAM::Role",
          "AWS::IAM::Policy",
          "AWS::Lambda::Function",
          "AWS::SQS::Queue",
          "AWS::SQS::QueuePolicy",
          "AWS::SNS::Topic",
          "AWS::SNS::TopicPolicy",
          "AWS::SNS::Subscription",
          "AWS::KMS::Key",
          "AWS::CloudWatch::Alarm",
        ]),
      );
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

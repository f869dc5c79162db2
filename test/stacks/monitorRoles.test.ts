import { INDEX_NAMES, PENDING_NOTIFICATION_INDEX } from "@vigil/store-dynamodb";
import type { Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { HOME_REGION } from "../../stacks/home.ts";
import { synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import { HANDLERS, homeLookups } from "./monitorLookups.ts";
import { arnOf, type Resource, ref, resources, roleOf, roleStatements, type Statement, sortedStatements } from "./templateQueries.ts";

const SQS_CONSUME = ["sqs:ReceiveMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueUrl", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
const XRAY = { Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Effect: "Allow", Resource: "*" };

let lookups: ReturnType<typeof homeLookups>;
let home: Template;

beforeAll(async () => {
  lookups = homeLookups(await synthesizeForTest("test"));
  home = lookups.home;
});

const fnId = (handler: string) => lookups.fnId(handler);
const fnProps = (handler: string) => lookups.fnProps(handler);
const id = (type: string, constructId: string) => lookups.id(type, constructId);

describe("Monitor: least privilege", () => {
  const logs = (handler: string) => ({
    Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
    Effect: "Allow",
    Resource: arnOf(String((fnProps(handler).LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref)),
    Sid: "WriteOwnLogs",
  });
  const arn = (service: string, resource: string, region = HOME_REGION) => ({
    "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:${service}:${region}:${TEST_ACCOUNT}:${resource}`]],
  });
  const publish = () => [
    { Action: "sns:Publish", Effect: "Allow", Resource: ref(id("AWS::SNS::Topic", "FindingsTopic")), Sid: "PublishFindings" },
    { Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Effect: "Allow", Resource: arnOf(id("AWS::KMS::Key", "FindingsTopicKey")), Sid: "EncryptForFindingsTopic" },
  ];
  const consume = (queue: string) => ({ Action: SQS_CONSUME, Effect: "Allow", Resource: arnOf(id("AWS::SQS::Queue", queue)) });

  function expectRole(handler: string, expected: Statement[]) {
    const roleId = roleOf(home, fnId(handler));
    const role = resources(home, "AWS::IAM::Role")[roleId] as Resource;
    expect(role.Properties?.AssumeRolePolicyDocument).toEqual({
      Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
      Version: "2012-10-17",
    });
    expect(role.Properties?.ManagedPolicyArns, `${handler}: no managed policy`).toBeUndefined();
    expect(sortedStatements(roleStatements(home, roleId)), handler).toEqual(sortedStatements(expected));
  }

  it("evaluate: its tables, publishing, and read-only IAM calls on this account's policies", () => {
    const findings = arnOf(id("AWS::DynamoDB::Table", "FindingsTable"));
    const iam = (resource: string) => arn("iam", `${resource}/*`, "");
    expectRole(HANDLERS.evaluate, [
      logs(HANDLERS.evaluate),
      XRAY,
      {
        Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
        Effect: "Allow",
        Resource: findings,
        Sid: "StoreFindings",
      },
      {
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Effect: "Allow",
        Resource: arnOf(id("AWS::DynamoDB::Table", "StateTable")),
        Sid: "KeepThresholdWindows",
      },
      ...publish(),
      { Action: "iam:GetPolicyVersion", Effect: "Allow", Resource: iam("policy"), Sid: "ReadManagedPolicies" },
      { Action: "iam:GetUserPolicy", Effect: "Allow", Resource: iam("user"), Sid: "ReadUserPolicies" },
      { Action: "iam:GetGroupPolicy", Effect: "Allow", Resource: iam("group"), Sid: "ReadGroupPolicies" },
      { Action: ["iam:GetRole", "iam:GetRolePolicy"], Effect: "Allow", Resource: iam("role"), Sid: "ReadRolePolicies" },
      consume("EventsQueue"),
    ]);
  });

  it("notifySlack: that one parameter, decrypted only through SSM for it, and its delivery record", () => {
    const parameter = arn("ssm", "parameter/vigil/slack-webhook");
    expectRole(HANDLERS.notifySlack, [
      logs(HANDLERS.notifySlack),
      XRAY,
      { Action: "ssm:GetParameters", Effect: "Allow", Resource: parameter, Sid: "ReadWebhookParameter" },
      {
        Action: "kms:Decrypt",
        Condition: { StringEquals: { "kms:ViaService": `ssm.${HOME_REGION}.amazonaws.com`, "kms:EncryptionContext:PARAMETER_ARN": parameter } },
        Effect: "Allow",
        Resource: arn("kms", "key/*"),
        Sid: "DecryptWebhookParameter",
      },
      { Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Effect: "Allow", Resource: arnOf(id("AWS::DynamoDB::Table", "FindingsTable")), Sid: "RecordSlackDelivery" },
      consume("SlackQueue"),
    ]);
  });

  it("retryNotifications: Queries of the pending-notification and status indexes only, updates, and publishing", () => {
    const findings = id("AWS::DynamoDB::Table", "FindingsTable");
    expectRole(HANDLERS.retry, [
      logs(HANDLERS.retry),
      XRAY,
      {
        Action: "dynamodb:Query",
        Effect: "Allow",
        Resource: { "Fn::Join": ["", [arnOf(findings), `/index/${PENDING_NOTIFICATION_INDEX}`]] },
        Sid: "ListPendingNotifications",
      },
      {
        Action: "dynamodb:Query",
        Effect: "Allow",
        Resource: { "Fn::Join": ["", [arnOf(findings), `/index/${INDEX_NAMES.status}`]] },
        Sid: "ListSuppressedFindings",
      },
      { Action: "dynamodb:UpdateItem", Effect: "Allow", Resource: arnOf(findings), Sid: "ClaimDeliveriesAndReopenFindings" },
      ...publish(),
    ]);
  });

  it("attaches no other policy anywhere in the stack", () => {
    const roleIds = Object.values(HANDLERS).map((handler) => roleOf(home, fnId(handler)));
    for (const policy of Object.values(resources(home, "AWS::IAM::Policy"))) {
      expect(roleIds.map((roleId) => ref(roleId))).toContainEqual((policy.Properties?.Roles as unknown[])[0]);
      expect(policy.Properties?.Roles).toHaveLength(1);
    }
    home.resourceCountIs("AWS::IAM::ManagedPolicy", 0);
    home.resourceCountIs("AWS::IAM::User", 0);
  });
});

import { catalogue, SEVERITIES } from "@vigil/core";
import { FINDINGS_TABLE, STATE_TABLE, type TableDefinition } from "@vigil/store-dynamodb";
import { Match, type Template } from "aws-cdk-lib/assertions";
import { beforeAll, describe, expect, it } from "vitest";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { HOME_REGION } from "../../stacks/home.ts";
import { loadStageConfig, parseStageConfig, type StageConfig } from "../../stacks/stageConfig.ts";
import type { SynthesizedStack } from "../../stacks/synthesize.ts";
import { type SynthesizedTemplates, synthesizeForTest, TEST_ACCOUNT } from "../helpers/synth.ts";
import {
  arnOf,
  only,
  type Resource,
  ref,
  resources,
  type Statement,
  sortedStatements,
} from "./templateQueries.ts";
import { HANDLERS, homeLookups } from "./monitorLookups.ts";

const CONFIG_DIR = new URL("../../config/", import.meta.url).pathname;
const FOURTEEN_DAYS = 14 * 24 * 3600;

let test: SynthesizedTemplates;
let prod: SynthesizedTemplates;
let config: StageConfig;
let home: Template;
let homeStack: SynthesizedStack;

let lookups: ReturnType<typeof homeLookups>;

beforeAll(async () => {
  test = await synthesizeForTest("test");
  // The production defaults, whatever config/prod.json may hold: no emails, no Slack.
  prod = await synthesizeForTest("prod", { config: parseStageConfig({}, "prod", catalogue) });
  config = loadStageConfig(CONFIG_DIR, "test", catalogue);
  lookups = homeLookups(test);
  ({ home, homeStack } = lookups);
});

const fnId = (handler: string) => lookups.fnId(handler);
const fnProps = (handler: string) => lookups.fnProps(handler);
const id = (type: string, constructId: string, template = home) => lookups.id(type, constructId, template);
const severitiesFrom = (minimum: string) => SEVERITIES.slice(0, SEVERITIES.indexOf(minimum as never) + 1);

describe("Monitor: CloudTrail events in", () => {
  it("has one EventBridge rule per derived pattern, with its pattern and state, sending to the events queue", () => {
    const rules = Object.entries(resources(home, "AWS::Events::Rule")).filter(([, rule]) => rule.Properties?.EventPattern);
    const patterns = patternsFor(config);
    expect(rules).toHaveLength(patterns.length);
    for (const derived of patterns) {
      const [, rule] = only(home, "AWS::Events::Rule", `CloudTrail${derived.id.replace(/-/g, "")}`);
      // No EventBusName: the default bus, where AWS services deliver CloudTrail events.
      expect(rule.Properties?.EventBusName).toBeUndefined();
      expect(rule.Properties?.EventPattern).toEqual(derived.pattern);
      expect(rule.Properties?.State).toBe(derived.state);
      expect(rule.Properties?.Targets).toEqual([{ Arn: arnOf(id("AWS::SQS::Queue", "EventsQueue")), Id: "Target0" }]);
    }
    const root = patterns.find((derived) => derived.ruleIds.includes("root-activity"));
    expect(root?.state).toBe("ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
  });

  it("lets only EventBridge, for exactly those rules, send to the events queue, and only over TLS", () => {
    const queue = id("AWS::SQS::Queue", "EventsQueue");
    const [, policy] = only(home, "AWS::SQS::QueuePolicy", "EventsQueuePolicy");
    const statements = (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement;
    const allows = statements.filter((statement) => statement.Effect === "Allow");
    const ruleIds = Object.entries(resources(home, "AWS::Events::Rule"))
      .filter(([, rule]) => rule.Properties?.EventPattern)
      .map(([ruleId]) => ruleId);
    expect(sortedStatements(allows)).toEqual(
      sortedStatements(
        ruleIds.map((ruleId) => ({
          Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
          Condition: { ArnEquals: { "aws:SourceArn": arnOf(ruleId) } },
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Resource: arnOf(queue),
        })),
      ),
    );
    expect(statements.filter((statement) => statement.Effect === "Deny")).toEqual([
      expect.objectContaining({ Action: "sqs:*", Condition: { Bool: { "aws:SecureTransport": "false" } }, Principal: { AWS: "*" } }),
    ]);
  });

  it("queues events encrypted, with a dead-letter queue after 5 receives kept 14 days, hidden 6 times the evaluate timeout", () => {
    for (const [queueId, handler] of [
      ["EventsQueue", HANDLERS.evaluate],
      ["SlackQueue", HANDLERS.notifySlack],
    ] as const) {
      const [, queue] = only(home, "AWS::SQS::Queue", queueId);
      const [deadLettersId, deadLetters] = only(home, "AWS::SQS::Queue", `${queueId}DeadLetters`);
      expect(queue.Properties).toMatchObject({
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: arnOf(deadLettersId), maxReceiveCount: 5 },
      });
      expect(queue.Properties?.VisibilityTimeout).toBeGreaterThanOrEqual(6 * (fnProps(handler).Timeout as number));
      expect(deadLetters.Properties).toEqual({ MessageRetentionPeriod: FOURTEEN_DAYS, SqsManagedSseEnabled: true });
      const [, deadLettersPolicy] = only(home, "AWS::SQS::QueuePolicy", `${queueId}DeadLettersPolicy`);
      expect((deadLettersPolicy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement).toEqual([
        expect.objectContaining({ Effect: "Deny", Condition: { Bool: { "aws:SecureTransport": "false" } } }),
      ]);
    }
  });

  it("feeds the evaluate and Slack functions from their queues, 10 messages a batch, reporting failed items", () => {
    const mappings = Object.values(resources(home, "AWS::Lambda::EventSourceMapping")).map((mapping) => mapping.Properties);
    expect(mappings).toEqual(
      expect.arrayContaining([
        {
          BatchSize: 10,
          EventSourceArn: arnOf(id("AWS::SQS::Queue", "EventsQueue")),
          FunctionName: ref(fnId(HANDLERS.evaluate)),
          FunctionResponseTypes: ["ReportBatchItemFailures"],
        },
        {
          BatchSize: 10,
          EventSourceArn: arnOf(id("AWS::SQS::Queue", "SlackQueue")),
          FunctionName: ref(fnId(HANDLERS.notifySlack)),
          FunctionResponseTypes: ["ReportBatchItemFailures"],
        },
      ]),
    );
    expect(mappings).toHaveLength(2);
  });
});

describe("Monitor: tables", () => {
  const tables: [string, TableDefinition][] = [
    ["FindingsTable", FINDINGS_TABLE],
    ["StateTable", STATE_TABLE],
  ];

  it("builds both tables from the store's definitions: keys, indexes, on demand, PITR, AWS owned key, TTL", () => {
    for (const [constructId, definition] of tables) {
      const [, table] = only(home, "AWS::DynamoDB::Table", constructId);
      const indexes = Object.entries(definition.globalIndexes).map(([IndexName, index]) => ({
        IndexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: "HASH" },
          { AttributeName: index.sortKey, KeyType: "RANGE" },
        ],
        Projection: { ProjectionType: index.projection },
      }));
      expect(table.Properties).toEqual({
        AttributeDefinitions: expect.arrayContaining(definition.attributes.map((name) => ({ AttributeName: name, AttributeType: "S" }))),
        BillingMode: "PAY_PER_REQUEST",
        DeletionProtectionEnabled: false,
        KeySchema: [{ AttributeName: definition.partitionKey, KeyType: "HASH" }],
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        // Encrypted at rest with the AWS owned key (no customer key to grant on every role; see tables.ts).
        SSESpecification: { SSEEnabled: false },
        TimeToLiveSpecification: { AttributeName: definition.timeToLiveAttribute, Enabled: true },
        ...(indexes.length > 0 ? { GlobalSecondaryIndexes: indexes } : {}),
      });
      expect((table.Properties?.AttributeDefinitions as unknown[]).length).toBe(definition.attributes.length);
    }
  });

  it("destroys the tables with a test stage and retains them, protected from deletion, in production", () => {
    for (const [constructId] of tables) {
      const [, testTable] = only(test.home, "AWS::DynamoDB::Table", constructId);
      expect([testTable.DeletionPolicy, testTable.UpdateReplacePolicy]).toEqual(["Delete", "Delete"]);
      const [, prodTable] = only(prod.home, "AWS::DynamoDB::Table", constructId);
      expect([prodTable.DeletionPolicy, prodTable.UpdateReplacePolicy]).toEqual(["Retain", "Retain"]);
      expect(prodTable.Properties?.DeletionProtectionEnabled).toBe(true);
    }
    for (const type of ["AWS::KMS::Key", "AWS::Logs::LogGroup"]) {
      for (const resource of Object.values(resources(prod.home, type))) expect(resource.DeletionPolicy, type).toBe("Retain");
    }
  });
});

describe("Monitor: notifications", () => {
  it("encrypts the findings topic with its own rotating key, whose policy names the account only and no kms:*", () => {
    const keyId = id("AWS::KMS::Key", "FindingsTopicKey");
    home.hasResourceProperties("AWS::SNS::Topic", { DisplayName: "Vigil findings", KmsMasterKeyId: arnOf(keyId) });
    const key = resources(home, "AWS::KMS::Key")[keyId] as Resource;
    expect(key.Properties?.EnableKeyRotation).toBe(true);
    const statements = (key.Properties?.KeyPolicy as { Statement: Statement[] }).Statement;
    const accountRoot = { AWS: { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, `:iam::${TEST_ACCOUNT}:root`]] } };
    for (const statement of statements) {
      expect(statement.Principal).toEqual(accountRoot);
      expect([statement.Action].flat()).not.toContain("kms:*");
    }
    expect(statements.find((statement) => statement.Sid === "AccountIamGrantsKeyUse")?.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
  });

  it("subscribes the alert emails with the email severity filter and the Slack queue with its own", () => {
    const topic = ref(id("AWS::SNS::Topic", "FindingsTopic"));
    const subscriptions = Object.values(resources(home, "AWS::SNS::Subscription")).map((subscription) => subscription.Properties);
    const toTopic = subscriptions.filter((subscription) => JSON.stringify(subscription?.TopicArn) === JSON.stringify(topic));
    expect(toTopic).toEqual(
      expect.arrayContaining([
        ...config.alertEmails.map((email) => ({
          Endpoint: email,
          // Every posture digest, and findings at the email minimum and above.
          FilterPolicy: { $or: [{ kind: ["digest"] }, { severity: severitiesFrom(config.emailMinSeverity) }] },
          Protocol: "email",
          TopicArn: topic,
        })),
        {
          Endpoint: arnOf(id("AWS::SQS::Queue", "SlackQueue")),
          // As email, with Slack's own minimum: every posture digest, and findings at the minimum and above.
          FilterPolicy: { $or: [{ kind: ["digest"] }, { severity: severitiesFrom(config.slack?.minSeverity ?? "none") }] },
          Protocol: "sqs",
          RawMessageDelivery: false,
          TopicArn: topic,
        },
      ]),
    );
    expect(toTopic).toHaveLength(config.alertEmails.length + 1);
    expect(severitiesFrom("HIGH")).toEqual(["CRITICAL", "HIGH"]);
  });

  it("lets only SNS, for the findings topic, send to the Slack queue", () => {
    const [, policy] = only(home, "AWS::SQS::QueuePolicy", "SlackQueuePolicy");
    const allows = (policy.Properties?.PolicyDocument as { Statement: Statement[] }).Statement.filter((statement) => statement.Effect === "Allow");
    expect(allows).toEqual([
      {
        Action: "sqs:SendMessage",
        Condition: { ArnEquals: { "aws:SourceArn": ref(id("AWS::SNS::Topic", "FindingsTopic")) } },
        Effect: "Allow",
        Principal: { Service: "sns.amazonaws.com" },
        Resource: arnOf(id("AWS::SQS::Queue", "SlackQueue")),
      },
    ]);
  });

  it("runs the retry sweep every 5 minutes, invoked only by its schedule", () => {
    const [ruleId, rule] = only(home, "AWS::Events::Rule", "RetryScheduleRule");
    expect(rule.Properties).toMatchObject({ ScheduleExpression: "rate(5 minutes)", State: "ENABLED", Targets: [{ Arn: arnOf(fnId(HANDLERS.retry)) }] });
    const permissions = Object.values(resources(home, "AWS::Lambda::Permission")).map((permission) => permission.Properties);
    expect(permissions.filter((permission) => JSON.stringify(permission?.FunctionName) === JSON.stringify(arnOf(fnId(HANDLERS.retry))))).toEqual([
      { Action: "lambda:InvokeFunction", FunctionName: arnOf(fnId(HANDLERS.retry)), Principal: "events.amazonaws.com", SourceArn: arnOf(ruleId) },
    ]);
  });

  it("leaves out Slack and the email subscriptions when the stage configures none", () => {
    expect(Object.values(prod.stacks.find((stack) => stack.region === HOME_REGION)?.handlers ?? {})).not.toContain(HANDLERS.notifySlack);
    prod.home.resourceCountIs("AWS::SNS::Subscription", 0);
    prod.home.resourceCountIs("AWS::Lambda::EventSourceMapping", 1);
  });
});

describe("Monitor: operations", () => {
  const opsTopic = () => ref(id("AWS::SNS::Topic", "OpsTopic"));

  it("encrypts the ops topic with a key CloudWatch may use, and lets only this account's alarms publish", () => {
    const keyId = id("AWS::KMS::Key", "OpsTopicKey");
    home.hasResourceProperties("AWS::SNS::Topic", { DisplayName: "Vigil operations", KmsMasterKeyId: arnOf(keyId) });
    home.hasResourceProperties("AWS::KMS::Key", {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          { Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Effect: "Allow", Principal: { Service: "cloudwatch.amazonaws.com" }, Resource: "*", Sid: "ServicesPublishToTopic" },
        ]),
      },
    });
    home.hasResourceProperties("AWS::SNS::TopicPolicy", {
      Topics: [opsTopic()],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: "Allow",
            Principal: { Service: "cloudwatch.amazonaws.com" },
            Action: "sns:Publish",
            Condition: { StringEquals: { "aws:SourceAccount": TEST_ACCOUNT }, ArnLike: { "aws:SourceArn": Match.anyValue() } },
          }),
        ]),
      },
    });
    for (const email of config.opsEmails) {
      home.hasResourceProperties("AWS::SNS::Subscription", { Endpoint: email, Protocol: "email", TopicArn: opsTopic() });
    }
  });

  it("alarms on the ops topic for every dead letter, every function error and throttle, and every failed delivery to the queue", () => {
    // Vigil's own metrics have thresholds of their own (the next test).
    const alarms = Object.values(resources(home, "AWS::CloudWatch::Alarm"))
      .map((alarm) => alarm.Properties ?? {})
      .filter((alarm) => alarm.Namespace !== "Vigil");
    for (const alarm of alarms) {
      expect(alarm).toMatchObject({ AlarmActions: [opsTopic()], ComparisonOperator: "GreaterThanThreshold", Threshold: 0, EvaluationPeriods: 1 });
    }
    const watching = (metric: string, dimension: unknown) =>
      alarms.filter((alarm) => alarm.MetricName === metric && JSON.stringify(alarm.Dimensions).includes(JSON.stringify(dimension)));
    for (const queue of ["EventsQueueDeadLetters", "SlackQueueDeadLetters"]) {
      expect(watching("ApproximateNumberOfMessagesVisible", { "Fn::GetAtt": [id("AWS::SQS::Queue", queue), "QueueName"] }), queue).toHaveLength(1);
    }
    for (const handler of Object.values(HANDLERS)) {
      for (const metric of ["Errors", "Throttles"]) expect(watching(metric, ref(fnId(handler))), `${handler} ${metric}`).toHaveLength(1);
    }
    const cloudTrailRules = Object.entries(resources(home, "AWS::Events::Rule")).filter(([, rule]) => rule.Properties?.EventPattern);
    for (const [ruleId] of cloudTrailRules) expect(watching("FailedInvocations", ref(ruleId)), ruleId).toHaveLength(1);
    expect(alarms).toHaveLength(2 + 2 * Object.keys(HANDLERS).length + cloudTrailRules.length);
  });

  it("alarms when notifications keep failing: three failing sweeps in a row, or a finding undelivered for an hour", () => {
    const sweep = { Namespace: "Vigil", Dimensions: [{ Name: "service", Value: "vigil-retry-notifications" }], AlarmActions: [opsTopic()], ComparisonOperator: "GreaterThanThreshold", Period: 300 };
    home.hasResourceProperties("AWS::CloudWatch::Alarm", { ...sweep, MetricName: "NotificationFailures", Statistic: "Sum", Threshold: 0, EvaluationPeriods: 3, TreatMissingData: "notBreaching" });
    home.hasResourceProperties("AWS::CloudWatch::Alarm", { ...sweep, MetricName: "OldestUndeliveredAgeSeconds", Statistic: "Maximum", Threshold: 3600, EvaluationPeriods: 1 });
  });
});

describe("Monitor: functions", () => {
  it("runs every Vigil function on nodejs22.x, arm64, with active tracing and its own log group", () => {
    const vigilFunctions = Object.entries(homeStack.handlers).filter(([, handler]) => handler.startsWith("functions/"));
    expect(vigilFunctions.map(([, handler]) => handler).sort()).toEqual(Object.values(HANDLERS).sort());
    for (const [functionId] of vigilFunctions) {
      const props = (resources(home, "AWS::Lambda::Function")[functionId] as Resource).Properties;
      expect(props, functionId).toMatchObject({
        Runtime: "nodejs22.x",
        Architectures: ["arm64"],
        TracingConfig: { Mode: "Active" },
        LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs[0-9A-F]{8}$/) } },
      });
    }
    // The only other function is SST's own custom-resource handler, which every SST stack carries.
    const others = Object.keys(resources(home, "AWS::Lambda::Function")).filter((functionId) => !homeStack.handlers[functionId]);
    expect(others).toEqual([id("AWS::Lambda::Function", "CustomResourceHandler")]);
  });

  it("gives each function the environment its handler reads", () => {
    const findingsTable = ref(id("AWS::DynamoDB::Table", "FindingsTable"));
    const topic = ref(id("AWS::SNS::Topic", "FindingsTopic"));
    const common = (service: string) => ({ POWERTOOLS_SERVICE_NAME: service, POWERTOOLS_METRICS_NAMESPACE: "Vigil", LOG_LEVEL: "INFO" });
    const variables = (handler: string) => (fnProps(handler).Environment as { Variables: Record<string, unknown> }).Variables;
    expect(variables(HANDLERS.evaluate)).toMatchObject({
      ...common("vigil-evaluate"),
      FINDINGS_TABLE_NAME: findingsTable,
      STATE_TABLE_NAME: ref(id("AWS::DynamoDB::Table", "StateTable")),
      TOPIC_ARN: topic,
      RETENTION_DAYS: String(config.retentionDays),
    });
    expect(JSON.parse(variables(HANDLERS.evaluate).VIGIL_CONFIG as string)).toEqual(config.vigil);
    expect(config.vigil.trustedAccounts).toEqual(["444455556666"]);
    expect(variables(HANDLERS.notifySlack)).toMatchObject({
      ...common("vigil-notify-slack"),
      FINDINGS_TABLE_NAME: findingsTable,
      SLACK_WEBHOOK_PARAMETER: "/vigil/slack-webhook",
    });
    expect(variables(HANDLERS.retry)).toMatchObject({ ...common("vigil-retry-notifications"), FINDINGS_TABLE_NAME: findingsTable, TOPIC_ARN: topic });
  });
});

import type { OrganizationSettings } from "@vigil/monitor";
import { Duration, Stack } from "aws-cdk-lib";
import type { ITable } from "aws-cdk-lib/aws-dynamodb";
import { SqsQueue } from "aws-cdk-lib/aws-events-targets";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey } from "aws-cdk-lib/aws-kms";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Construct } from "constructs";
import type { evaluateEnvironment } from "../../functions/evaluate/environment.ts";
import type { EnvironmentVariables } from "../../functions/shared/env.ts";
import { createCloudTrailRules, patternsFor } from "../cloudTrailRules.ts";
import { exportsFindings } from "../stageConfig.ts";
import type { MonitorResources } from "./monitorResources.ts";
import { publishFindingsStatements } from "./notifications.ts";
import { alarmOnDeadLetters, alarmOnFunction, alarmOnRuleFailures } from "./operations.ts";
import { organizationReadStatements, organizationVariable } from "./organizationReads.ts";
import { createQueueWithDeadLetters, queueEventSource, type QueueWithDeadLetters } from "./queues.ts";
import { createVigilFunction } from "./vigilFunction.ts";

const TIMEOUT = Duration.seconds(30);

export interface EvaluateResources {
  findingsTable: ITable;
  stateTable: ITable;
  topic: ITopic;
  topicKey: IKey;
  /** Organization mode: evaluate reads the organization's tree anew on membership events (the inventory it keeps in the state table). */
  organization?: OrganizationSettings;
}

/**
 * Stores findings (a conditional put; a read when it meets one already stored) and records their
 * delivery, keeps threshold windows in the state table (read, conditional put), publishes new
 * findings, and reads the IAM policies CloudTrail left out of a record (read-only calls, on this
 * account's identities and policies); in organization mode also the Organizations reads of the
 * inventory. The handler tests hold every request evaluate sends to these statements
 * (test/functions/functionRoles.ts).
 */
export function evaluateStatements(scope: Construct, resources: EvaluateResources): PolicyStatement[] {
  const stack = Stack.of(scope);
  const iam = (resource: string) => stack.formatArn({ service: "iam", region: "", resource, resourceName: "*" });
  return [
    new PolicyStatement({
      sid: "StoreFindings",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
      resources: [resources.findingsTable.tableArn],
    }),
    new PolicyStatement({
      sid: "KeepThresholdWindows",
      actions: ["dynamodb:GetItem", "dynamodb:PutItem"],
      resources: [resources.stateTable.tableArn],
    }),
    ...publishFindingsStatements(resources.topic, resources.topicKey),
    new PolicyStatement({ sid: "ReadManagedPolicies", actions: ["iam:GetPolicyVersion"], resources: [iam("policy")] }),
    new PolicyStatement({ sid: "ReadUserPolicies", actions: ["iam:GetUserPolicy"], resources: [iam("user")] }),
    new PolicyStatement({ sid: "ReadGroupPolicies", actions: ["iam:GetGroupPolicy"], resources: [iam("group")] }),
    new PolicyStatement({ sid: "ReadRolePolicies", actions: ["iam:GetRole", "iam:GetRolePolicy"], resources: [iam("role")] }),
    ...(resources.organization ? organizationReadStatements(scope, resources.organization) : []),
  ];
}

/**
 * The evaluate function and its feed: CloudTrail events on the default bus (this region's and what
 * the forwarders send) that the rules' patterns match queue for it, and it stores their findings
 * and publishes the new ones. Dead letters, its errors and throttles, and events EventBridge could
 * not deliver to the queue alarm on the ops topic.
 */
export function createEvaluateFunction(scope: Construct, monitor: MonitorResources): QueueWithDeadLetters {
  const { config, findingsTable, stateTable, findingsTopic, opsTopic } = monitor;
  const events = createQueueWithDeadLetters(scope, "EventsQueue", TIMEOUT);
  const rules = createCloudTrailRules(scope, patternsFor(config), new SqsQueue(events.queue));
  const evaluate = createVigilFunction(
    scope,
    "Evaluate",
    {
      handler: "functions/evaluate.handler",
      service: "evaluate",
      description: "Evaluates CloudTrail events against the Vigil rules, stores and publishes findings",
      timeout: TIMEOUT,
      memorySize: 1024,
      environment: {
        FINDINGS_TABLE_NAME: findingsTable.tableName,
        STATE_TABLE_NAME: stateTable.tableName,
        TOPIC_ARN: findingsTopic.topic.topicArn,
        VIGIL_CONFIG: JSON.stringify(config.vigil),
        RETENTION_DAYS: String(config.retentionDays),
        EXPORT_CHANGES: String(exportsFindings(config)),
        ...(config.organization ? { ORGANIZATION: organizationVariable(config.organization) } : {}),
      } satisfies EnvironmentVariables<typeof evaluateEnvironment>,
      statements: evaluateStatements(scope, {
        findingsTable,
        stateTable,
        topic: findingsTopic.topic,
        topicKey: findingsTopic.key,
        ...(config.organization ? { organization: config.organization } : {}),
      }),
    },
    config,
  );
  evaluate.fn.addEventSource(queueEventSource(events.queue));
  alarmOnDeadLetters(scope, "EventsQueue", events.deadLetters, opsTopic);
  alarmOnFunction(scope, "Evaluate", evaluate.fn, opsTopic);
  for (const rule of rules) alarmOnRuleFailures(scope, rule, opsTopic);
  return events;
}

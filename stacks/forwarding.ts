import { Stack } from "aws-cdk-lib";
import type { Alarm } from "aws-cdk-lib/aws-cloudwatch";
import type { IEventBus, Rule } from "aws-cdk-lib/aws-events";
import { EventBus as EventBusTarget } from "aws-cdk-lib/aws-events-targets";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { ITopic } from "aws-cdk-lib/aws-sns";
import type { Queue } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";
import { createCloudTrailRules } from "./cloudTrailRules.ts";
import type { DerivedPattern } from "./eventPatterns.ts";
import { HOME_REGION } from "./home.ts";
import { alarmOnDeadLetters, alarmOnRuleFailures } from "./monitor/operations.ts";
import { createDeadLetterQueue } from "./monitor/queues.ts";

export interface Forwarding {
  rules: Rule[];
  role: Role;
  deadLetters: Queue;
  /** The dead-letter alarm first, then one per rule. */
  alarms: Alarm[];
}

/**
 * The derived patterns on this region's default bus, each sending what matches to the home
 * region's default bus, where the monitor's own rules pick it up: a forwarder's work in another
 * region of the home account, and a spoke's in each account of an organization. EventBridge
 * assumes the role to put events there (the target adds events:PutEvents on that bus, and nothing
 * else is granted); what it still cannot put after its retries (24 hours) waits in a dead-letter
 * queue, and alarms tell `opsTopic` of any dead letter or failed forward.
 */
export function forwardToHomeBus(
  scope: Construct,
  patterns: readonly DerivedPattern[],
  homeBus: IEventBus,
  opsTopic: ITopic,
  descriptions: { role: string; deadLetters: string },
): Forwarding {
  const role = new Role(scope, "ForwardRole", {
    assumedBy: new ServicePrincipal("events.amazonaws.com", { conditions: { StringEquals: { "aws:SourceAccount": Stack.of(scope).account } } }),
    description: descriptions.role,
  });
  const deadLetters = createDeadLetterQueue(scope, "ForwardDeadLetters");
  const rules = createCloudTrailRules(scope, patterns, new EventBusTarget(homeBus, { role, deadLetterQueue: deadLetters }));
  const alarms = [
    alarmOnDeadLetters(scope, "Forward", deadLetters, opsTopic, descriptions.deadLetters),
    ...rules.map((rule) => alarmOnRuleFailures(scope, rule, opsTopic, `the ${HOME_REGION} default bus`)),
  ];
  return { rules, role, deadLetters, alarms };
}

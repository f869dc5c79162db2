import { EventBus as EventBusTarget } from "aws-cdk-lib/aws-events-targets";
import { EventBus } from "aws-cdk-lib/aws-events";
import { Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import type { StackContext } from "sst/constructs";
import { stageConfigOf } from "./appConfig.ts";
import { createCloudTrailRules, patternsFor } from "./cloudTrailRules.ts";
import { HOME_REGION } from "./home.ts";
import { alarmOnDeadLetters, alarmOnRuleFailures, createOpsTopic } from "./monitor/operations.ts";
import { createDeadLetterQueue } from "./monitor/queues.ts";

/**
 * A forwarder, in one other region: the same derived patterns on this region's default bus, each
 * sending what matches to the home region's default bus, where the monitor's own rules pick it up.
 * Console sign-ins of IAM users are recorded in the region of the sign-in endpoint, and regional
 * STS calls in their region, so without these the monitor would miss them. Events it cannot
 * forward land in a dead-letter queue, and alarms tell this region's ops topic.
 */
export function Forwarder({ stack, app }: StackContext) {
  const config = stageConfigOf(app);
  const homeBus = EventBus.fromEventBusArn(
    stack,
    "HomeBus",
    stack.formatArn({ service: "events", region: HOME_REGION, resource: "event-bus", resourceName: "default" }),
  );
  // EventBridge assumes this role to put events on the home bus; the target adds events:PutEvents on that bus, and nothing else is granted.
  const role = new Role(stack, "ForwardRole", {
    assumedBy: new ServicePrincipal("events.amazonaws.com", { conditions: { StringEquals: { "aws:SourceAccount": stack.account } } }),
    description: `Vigil: forwards CloudTrail events from ${stack.region} to the ${HOME_REGION} default bus`,
  });
  // What EventBridge still cannot put on the home bus after its retries (24 hours) waits here, and
  // this region's own ops topic says so: an alarm can only notify a topic in its own region.
  const deadLetters = createDeadLetterQueue(stack, "ForwardDeadLetters");
  const rules = createCloudTrailRules(stack, patternsFor(config), new EventBusTarget(homeBus, { role, deadLetterQueue: deadLetters }));
  const opsTopic = createOpsTopic(stack, config);
  alarmOnDeadLetters(stack, "Forward", deadLetters, opsTopic, `CloudTrail events of ${stack.region} that EventBridge could not forward to ${HOME_REGION}; inspect them and put them on the home bus.`);
  for (const rule of rules) alarmOnRuleFailures(stack, rule, opsTopic, `the ${HOME_REGION} default bus`);
  return { rules, role, deadLetters, opsTopic };
}

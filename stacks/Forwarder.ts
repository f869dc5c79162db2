import { EventBus } from "aws-cdk-lib/aws-events";
import type { StackContext } from "sst/constructs";
import { stageConfigOf } from "./appConfig.ts";
import { patternsFor } from "./cloudTrailRules.ts";
import { forwardToHomeBus } from "./forwarding.ts";
import { HOME_REGION } from "./home.ts";
import { createOpsTopic } from "./monitor/operations.ts";

/**
 * A forwarder, in one other region: the same derived patterns on this region's default bus, each
 * sending what matches to the home region's default bus, where the monitor's own rules pick it up.
 * Console sign-ins of IAM users are recorded in the region of the sign-in endpoint, and regional
 * STS calls in their region, so without these the monitor would miss them. Events it cannot
 * forward land in a dead-letter queue, and alarms tell this region's ops topic: an alarm can only
 * notify a topic in its own region. In organization mode the spokes of this region alarm on that
 * topic too.
 */
export function Forwarder({ stack, app }: StackContext) {
  const config = stageConfigOf(app);
  const homeBus = EventBus.fromEventBusArn(
    stack,
    "HomeBus",
    stack.formatArn({ service: "events", region: HOME_REGION, resource: "event-bus", resourceName: "default" }),
  );
  const opsTopic = createOpsTopic(stack, config);
  const { rules, role, deadLetters } = forwardToHomeBus(stack, patternsFor(config), homeBus, opsTopic, {
    role: `Vigil: forwards CloudTrail events from ${stack.region} to the ${HOME_REGION} default bus`,
    deadLetters: `CloudTrail events of ${stack.region} that EventBridge could not forward to ${HOME_REGION}; inspect them and put them on the home bus.`,
  });
  return { rules, role, deadLetters, opsTopic };
}

import { catalogue, MEMBERSHIP_EVENTS } from "@vigil/core";
import { CfnRule, type IRuleTarget, Rule } from "aws-cdk-lib/aws-events";
import type { Construct } from "constructs";
import { type DerivedPattern, deriveEventPatterns, type RoutedSelectors } from "./eventPatterns.ts";
import type { StageConfig } from "./stageConfig.ts";

/** EventBridge allows a rule description of 512 characters. */
const MAX_DESCRIPTION = 512;

/** The route of organization mode's membership events, which no rule owns (its id names the patterns serving it). */
const MEMBERSHIP_ROUTE: RoutedSelectors = { meta: { id: "organization-membership" }, selectors: [MEMBERSHIP_EVENTS] };

/**
 * The patterns of the rules the stage leaves enabled: a disabled rule's events are not routed at
 * all. In organization mode the membership events are routed too, whatever rules are enabled, so
 * that evaluate reads the inventory anew when accounts join, leave or move. The home stack and the
 * spoke both route with these.
 */
export function patternsFor(config: StageConfig): DerivedPattern[] {
  const rules: RoutedSelectors[] = catalogue.filter((rule) => config.enabledRules.includes(rule.meta.id));
  return deriveEventPatterns(config.organization ? [...rules, MEMBERSHIP_ROUTE] : rules);
}

/** One EventBridge rule on the default bus per derived pattern, all sending to `target`. */
export function createCloudTrailRules(scope: Construct, patterns: readonly DerivedPattern[], target: IRuleTarget): Rule[] {
  return patterns.map((derived) => {
    const description = `Vigil ${derived.id}: CloudTrail events for ${derived.ruleIds.join(", ")}`;
    const rule = new Rule(scope, `CloudTrail-${derived.id}`, {
      description: description.length > MAX_DESCRIPTION ? `${description.slice(0, MAX_DESCRIPTION - 3)}...` : description,
      eventPattern: { source: derived.pattern.source, detailType: derived.pattern["detail-type"], detail: derived.pattern.detail },
      targets: [target],
    });
    // The L2 Rule only knows enabled or not; read-only management events need the CloudFormation state.
    (rule.node.defaultChild as CfnRule).state = derived.state;
    return rule;
  });
}

import type { AnyPostureCheck, AnyRule, EffectiveConfig, EffectiveRuleConfig, RuleMetadata } from "@vigil/core";
import type { RuleView } from "./responseSchemas.ts";

/** What GET /rules and GET /summary describe: the rules and checks this deployment runs, and the configuration they run with. */
export interface RuleCatalogue {
  catalogue: readonly AnyRule[];
  checks: readonly AnyPostureCheck[];
  config: EffectiveConfig;
}

/** Each rule, then each posture check, with its effective severity, switch and parameters. */
export function describeRules({ catalogue, checks, config }: RuleCatalogue): RuleView[] {
  return [
    ...catalogue.map((rule) => view(rule.meta, rule.kind, config.rules.get(rule.meta.id))),
    ...checks.map((check) => view(check.meta, "posture", config.checks.get(check.meta.id))),
  ];
}

function view(meta: RuleMetadata, kind: RuleView["kind"], effective: EffectiveRuleConfig | undefined): RuleView {
  return {
    id: meta.id,
    kind,
    title: meta.title,
    severity: effective?.severity ?? meta.severity,
    enabled: effective?.enabled ?? true,
    params: (effective?.params ?? {}) as Record<string, unknown>,
    references: meta.references,
  };
}

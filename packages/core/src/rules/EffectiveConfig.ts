import type { Severity } from "../findings/Severity.ts";
import type { RuleSettings } from "./Rule.ts";

export interface EffectiveRuleConfig {
  enabled: boolean;
  severity?: Severity;
  params: unknown;
}

export interface IgnoreRule {
  principal: string;
  pattern: RegExp;
  reason: string;
  rules?: ReadonlySet<string>;
}

/**
 * The configuration in effect, as the engine and the posture checks read it; resolveConfig makes it
 * from the file. Declared beside the rules rather than in config/: config/ imports the posture
 * checks to validate the file against them, so the checks cannot import config/ back.
 */
export interface EffectiveConfig {
  settings: RuleSettings;
  ignore: readonly IgnoreRule[];
  rules: ReadonlyMap<string, EffectiveRuleConfig>;
  /** The posture checks' settings: the same `rules` keys of the file, for the scheduled checks' ids. */
  checks: ReadonlyMap<string, EffectiveRuleConfig>;
}

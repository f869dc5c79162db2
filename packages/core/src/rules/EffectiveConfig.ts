import type { IgnoreEntry } from "../config/ignoreEntry.ts";
import type { IpRanges } from "../config/ipRange.ts";
import type { Severity } from "../findings/Severity.ts";
import type { RuleSettings } from "./Rule.ts";

export interface EffectiveRuleConfig {
  enabled: boolean;
  severity?: Severity;
  params: unknown;
}

/** An `ignore` entry made ready to match: its patterns compiled, its expiry an instant. */
export interface IgnoreRule {
  /** The entry as the file wrote it, for what shows or logs it. */
  entry: IgnoreEntry;
  /** Its place in the file's list: `ignore.<index>` is how a person finds it again. */
  index: number;
  principal?: RegExp;
  userAgent?: RegExp;
  invokedBy?: RegExp;
  sourceIp?: IpRanges;
  rules?: ReadonlySet<string>;
  /** Epoch milliseconds from which the entry silences nothing. */
  expiresAt?: number;
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

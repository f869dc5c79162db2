import type { EffectiveConfig, IgnoreRule } from "../rules/EffectiveConfig.ts";
import { isActive } from "../rules/ignoreMatch.ts";

/** The ignore entries whose `expires` has passed at `now`: they silence nothing any more, and someone should renew or remove them. */
export function expiredEntries(config: Pick<EffectiveConfig, "ignore">, now: Date): IgnoreRule[] {
  return config.ignore.filter((rule) => !isActive(rule, now));
}

import { type EffectiveConfig, expiredEntries } from "@vigil/core";
import { logger } from "./observability.ts";

/**
 * Warns about each ignore entry that has expired at `now`, leaving out the ones in `warned` and
 * adding the ones it warns about. The findings an expired entry used to silence are reported
 * again, and this line is where whoever owns the entry learns why. A container that keeps `warned`
 * warns once per entry however many batches it runs; it still sees an entry expire while it lives.
 */
export function warnExpiredIgnoreEntries(config: EffectiveConfig, now: Date, warned: Set<number> = new Set()): void {
  for (const rule of expiredEntries(config, now)) {
    if (warned.has(rule.index)) continue;
    warned.add(rule.index);
    const { reason, owner, expires } = rule.entry;
    logger.warn("ignore entry expired; it no longer silences anything", { entry: `ignore.${rule.index}`, reason, ...(owner ? { owner } : {}), expires });
  }
}

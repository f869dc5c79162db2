import { type IgnoreRule, IGNORE_MATCHERS, isActive, printable } from "@vigil/core";
import type { Style } from "./style.ts";

/** An entry as the file wrote it, and whether it has stopped silencing: what `vigil rules --format json` lists. */
export function ignoreEntryView(rule: IgnoreRule, now: Date): Record<string, unknown> {
  return { ...rule.entry, expired: !isActive(rule, now) };
}

/**
 * The ignore list for `vigil rules`: each entry by its key in the file (`ignore.2`), what it matches,
 * its rules, reason, owner and expiry. An expired entry says so on a line of its own, since the
 * findings it used to hide are reported again and whoever reads this is likely asking why.
 */
export function renderIgnoreEntries(ignore: readonly IgnoreRule[], now: Date, style: Style): string[] {
  if (ignore.length === 0) return ["Ignore entries: none"];
  const out = ["Ignore entries:"];
  for (const rule of ignore) {
    const { entry } = rule;
    const matchers = IGNORE_MATCHERS.flatMap((key) => (entry[key] === undefined ? [] : [`${key} ${[entry[key]].flat().join(", ")}`]));
    // A configuration file may come from a shared repository: its strings are shown escaped like any value.
    out.push(printable(`  ignore.${rule.index}  ${matchers.join("  ")}  (${entry.rules ? entry.rules.join(", ") : "all rules"}): ${entry.reason}`));
    const about = [entry.owner ? `owner ${entry.owner}` : "", entry.expires && isActive(rule, now) ? `expires ${entry.expires}` : ""].filter(Boolean).join("  ");
    if (about) out.push(style.dim(`    ${printable(about)}`));
    if (!isActive(rule, now)) out.push(style.bold(`    EXPIRED ${printable(entry.expires ?? "")}: no longer silences anything`));
  }
  return out;
}

import { type EventHeader, isInsight, NETWORK_ACTIVITY_CATEGORY } from "../event/EventHeader.ts";
import type { AnyRule, EventSelector } from "../rules/Rule.ts";

/**
 * Finds the rules that may care about an event in O(1) for the common case: most rules name an
 * event source and event names, so they sit in a map keyed by both; the few broad ones (root
 * activity, error bursts) are checked one by one. This keeps read-only noise cheap.
 */
export class SelectorIndex {
  readonly #byName = new Map<string, { rule: AnyRule; selector: EventSelector }[]>();
  readonly #broad: { rule: AnyRule; selector: EventSelector }[] = [];

  constructor(rules: readonly AnyRule[]) {
    for (const rule of rules) {
      for (const selector of rule.selectors) {
        if (selector.eventSource && selector.eventNames) {
          for (const name of selector.eventNames) {
            const key = `${selector.eventSource}\0${name}`;
            const list = this.#byName.get(key) ?? [];
            list.push({ rule, selector });
            this.#byName.set(key, list);
          }
        } else {
          this.#broad.push({ rule, selector });
        }
      }
    }
  }

  /** Rules whose selectors match, each once, in catalogue order of first match. */
  candidates(event: EventHeader): AnyRule[] {
    const found: AnyRule[] = [];
    // An Insight counts calls (say, a burst of CreateAccessKey) but is none of them, and a network
    // activity record repeats, without its request, a call whose own event the rules judge: either
    // would be read as a call the rule cannot judge, or reported twice.
    if (isInsight(event) || event.eventCategory === NETWORK_ACTIVITY_CATEGORY) return found;
    for (const entry of this.#byName.get(`${event.eventSource}\0${event.eventName}`) ?? []) {
      if (matchesSelector(event, entry.selector) && !found.includes(entry.rule)) found.push(entry.rule);
    }
    for (const entry of this.#broad) {
      if (matchesSelector(event, entry.selector) && !found.includes(entry.rule)) found.push(entry.rule);
    }
    return found;
  }
}

export function matchesSelector(event: EventHeader, selector: EventSelector): boolean {
  if (selector.eventSource !== undefined && selector.eventSource !== event.eventSource) return false;
  if (selector.eventNames !== undefined && !selector.eventNames.includes(event.eventName)) return false;
  if (selector.identityTypes !== undefined && !selector.identityTypes.includes(event.userIdentity?.type ?? "")) return false;
  if (selector.errorCodes !== undefined && !selector.errorCodes.includes(event.errorCode ?? "")) return false;
  return true;
}

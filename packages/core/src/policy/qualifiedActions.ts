import type { ActionIndex } from "./ActionIndex.ts";

const cache = new WeakMap<ActionIndex, readonly string[]>();

/** Every action of the index as `service:Name` (`iam:CreatePolicyVersion`), built once per index. */
export function qualifiedActions(actionIndex: ActionIndex): readonly string[] {
  let actions = cache.get(actionIndex);
  if (!actions) {
    actions = actionIndex.services().flatMap((service) => (actionIndex.actions(service) ?? []).map((name) => `${service}:${name}`));
    cache.set(actionIndex, actions);
  }
  return actions;
}

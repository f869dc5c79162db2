import type { ActionIndex } from "@vigil/core";

/**
 * The action index, loaded on the first question asked of it: only a policy whose actions need
 * wildcard expansion asks, so a container that meets none never unpacks it (~5 ms at cold start).
 * The same index answers either way, so no verdict changes.
 */
export function lazyActionIndex(load: () => ActionIndex): ActionIndex {
  let actionIndex: ActionIndex | undefined;
  const loaded = () => (actionIndex ??= load());
  return {
    services: () => loaded().services(),
    actions: (service) => loaded().actions(service),
  };
}

import type { ActionCatalog } from "@vigil/core";

/**
 * The catalogue, loaded on the first question asked of it: only a policy whose actions need
 * wildcard expansion asks, so a container that meets none never unpacks it (~5 ms at cold start).
 * The same catalogue answers either way, so no verdict changes.
 */
export function lazyActionCatalog(load: () => ActionCatalog): ActionCatalog {
  let catalog: ActionCatalog | undefined;
  const loaded = () => (catalog ??= load());
  return {
    services: () => loaded().services(),
    actions: (service) => loaded().actions(service),
  };
}

import type { ActionCatalog } from "./ActionCatalog.ts";

const cache = new WeakMap<ActionCatalog, readonly string[]>();

/** Every action of the catalogue as `service:Name` (`iam:CreatePolicyVersion`), built once per catalogue. */
export function qualifiedActions(catalog: ActionCatalog): readonly string[] {
  let actions = cache.get(catalog);
  if (!actions) {
    actions = catalog.services().flatMap((service) => (catalog.actions(service) ?? []).map((name) => `${service}:${name}`));
    cache.set(catalog, actions);
  }
  return actions;
}

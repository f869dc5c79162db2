import type { ActionCatalog } from "@vigil/core";

/**
 * The catalogue's compact form: action names by lower-case service prefix, as AWS spells them and
 * in the order the data lists them. About 518 KB as JSON for ~22,000 actions.
 */
export type ActionNames = Readonly<Record<string, readonly string[]>>;

/** The ActionCatalog over action names, however they were read. */
export function catalogFromNames(names: ActionNames): ActionCatalog {
  const byService = new Map(Object.entries(names));
  const services = [...byService.keys()].sort();
  return {
    services: () => services,
    actions: (service) => byService.get(service.toLowerCase()),
  };
}

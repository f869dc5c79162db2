// Whether the CLI built ahead of time (scripts/buildCli.ts) still matches its sources: read by
// bin/vigil.js at every start, so plain JavaScript, Node's own modules, and only stats.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The bundle's entry in `dir` when every file it was built from still has the size and mtime its
 * manifest recorded (a few hundred stats, a few milliseconds); undefined when there is no build,
 * or any of them changed or went away since, and the sources must run instead.
 * @param {string} dir the build's directory, holding manifest.json
 * @returns {string | undefined}
 */
export function currentBuild(dir) {
  const manifestPath = resolve(dir, "manifest.json");
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  } catch {
    return undefined;
  }
  if (manifest?.version !== 1 || typeof manifest.entry !== "string" || !Array.isArray(manifest.inputs)) return undefined;
  const base = dirname(manifestPath);
  for (const [path, size, mtimeMs] of manifest.inputs) {
    const stats = statSync(resolve(base, path), { throwIfNoEntry: false });
    if (stats?.size !== size || stats.mtimeMs !== mtimeMs) return undefined;
  }
  return resolve(base, manifest.entry);
}

#!/usr/bin/env node
// Runs the CLI built ahead of time by `npm ci` (scripts/build.ts, into ../dist) when it was built
// from the sources as they are now; otherwise the TypeScript sources directly through tsx's loader,
// as the Lambdas' tests do. A bundle starts in a fraction of the time tsx takes to compile the
// sources, and an edit after the build is never answered by stale code.
import { readFileSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The SDK warns on every run under Node 20 that its releases after January 2027 will need Node 22.
// Vigil pins its SDK in the lockfile, so the notice concerns whoever upgrades it, not this run's
// output; it stays visible when the variable is set to anything else.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// VIGIL_CLI_DIST runs another build (tests build into a temporary directory); VIGIL_CLI_SOURCES=1
// runs the sources even when the build is current (the start-up benchmark compares the two).
const dist = process.env.VIGIL_CLI_DIST || fileURLToPath(new URL("../dist/", import.meta.url));
const built = process.env.VIGIL_CLI_SOURCES === "1" ? undefined : currentBuild(dist);

let main;
if (built) {
  ({ main } = await import(pathToFileURL(built).href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));

/**
 * The bundle's entry when every file it was built from still has the size and mtime its manifest
 * recorded (a few hundred stats, about a millisecond); undefined when there is no build, or any
 * of them changed or went away since.
 */
function currentBuild(dir) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(resolve(dir, "manifest.json"), "utf8"));
  } catch {
    return undefined;
  }
  if (manifest?.version !== 1 || !Array.isArray(manifest.inputs)) return undefined;
  const base = dirname(resolve(dir, "manifest.json"));
  for (const [path, size, mtimeMs] of manifest.inputs) {
    const stats = statSync(resolve(base, path), { throwIfNoEntry: false });
    if (stats?.size !== size || stats.mtimeMs !== mtimeMs) return undefined;
  }
  return resolve(base, manifest.entry);
}

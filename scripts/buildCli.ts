import { statSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { vigilVersion } from "@vigil/cli/src/version.ts";
import { iamActionsPlugin } from "@vigil/iam-actions";
import { build, type Metafile, type Plugin } from "esbuild";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const CLI_DIR = join(ROOT, "packages", "cli");
export const CLI_ENTRY = join(CLI_DIR, "src", "main.ts");
/** Where `npm ci` builds the CLI, and where bin/vigil.js looks for it. */
export const CLI_DIST = join(CLI_DIR, "dist");
export const MANIFEST_NAME = "manifest.json";

/**
 * Resolved from node_modules at run time rather than bundled: dynalite opens LevelDB through
 * classic-level, a native addon found relative to its own package, and the store's lock must use
 * the very `level` dynalite loads (store-dynamodb/src/local/storeLock.ts).
 */
const EXTERNAL = ["dynalite"];

/** The code that shapes the bundle without being in it: a change to the build is a change to what it makes. */
const BUILD_CODE = [
  fileURLToPath(import.meta.url),
  ...["esbuildPlugin.ts", "readActionNames.ts", "packedActionNames.ts"].map((file) => join(ROOT, "packages", "iam-actions", "src", file)),
];

/**
 * What bin/vigil.js checks before running the bundle: every file the bundle was built from, with
 * the size and mtime it had, so an edit after the build sends the CLI back to the sources.
 */
export interface BuildManifest {
  version: 1;
  /** The bundle's entry, relative to the manifest. */
  entry: string;
  /** Path relative to the manifest, size in bytes and mtime in ms of each input. */
  inputs: [path: string, size: number, mtimeMs: number][];
}

export interface BuiltCli {
  outdir: string;
  entry: string;
  manifest: string;
  inputs: number;
}

/**
 * Builds the CLI ahead of time into `outdir` (emptied first): an ESM bundle for Node 20 whose
 * entry exports `main`, split so that what only some commands import dynamically (dynalite's
 * store, the S3 and CloudFormation clients) stays in chunks the others never load.
 */
export async function buildCli(outdir = CLI_DIST): Promise<BuiltCli> {
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const started = Date.now();
  const version = vigilVersion();
  const result = await build({
    entryPoints: { vigil: CLI_ENTRY },
    outdir,
    absWorkingDir: ROOT,
    bundle: true,
    splitting: true,
    platform: "node",
    target: "node20",
    format: "esm",
    mainFields: ["module", "main"],
    outExtension: { ".js": ".mjs" },
    chunkNames: "chunks/[name]-[hash]",
    external: EXTERNAL,
    // Bundled CommonJS calls require(); an ESM bundle has none of its own.
    banner: {
      js: [
        `import { createRequire as topLevelCreateRequire } from "module";`,
        `const require = topLevelCreateRequire(import.meta.url);`,
      ].join("\n"),
    },
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [versionPlugin(version), iamActionsPlugin() as Plugin],
  });
  const manifestPath = join(outdir, MANIFEST_NAME);
  const inputs = manifestInputs(result.metafile, outdir, started);
  const manifest: BuildManifest = { version: 1, entry: "vigil.mjs", inputs };
  await writeFile(manifestPath, `${JSON.stringify(manifest)}\n`);
  return { outdir, entry: join(outdir, "vigil.mjs"), manifest: manifestPath, inputs: inputs.length };
}

/**
 * The bundle's inputs that can change without `npm ci`: our own sources, the CLI's package.json
 * (the version comes from it), the lockfile and the build's own code. Files under node_modules change only through an
 * install, which builds again and whose dependency changes show in the lockfile; leaving them out keeps the check at the bin's start cheap. Paths are relative to the manifest, so a
 * checkout moved elsewhere is checked against its own files.
 */
function manifestInputs(metafile: Metafile, outdir: string, started: number): BuildManifest["inputs"] {
  const paths = new Set<string>([join(CLI_DIR, "package.json"), join(ROOT, "package-lock.json"), ...BUILD_CODE]);
  for (const input of Object.keys(metafile.inputs)) {
    // Plugin-made modules are named "namespace:path"; the file behind them is still an input.
    const path = resolve(ROOT, input.replace(/^[a-z-]+:/, ""));
    if (!path.split(/[\\/]/).includes("node_modules")) paths.add(path);
  }
  return [...paths].sort().map((path) => {
    const stats = statSync(path);
    // Changed while esbuild ran: the bundle may hold either version, so the build never counts as current.
    const mtimeMs = stats.mtimeMs >= started ? -1 : stats.mtimeMs;
    return [relative(outdir, path), stats.size, mtimeMs];
  });
}

/** vigilVersion() reads ../package.json beside its module, which a bundle elsewhere does not have: the version is written in at build time. */
function versionPlugin(version: string): Plugin {
  return {
    name: "vigil-version",
    setup(build) {
      build.onLoad({ filter: /[\\/]cli[\\/]src[\\/]version\.ts$/ }, (args) => ({
        contents: `export function vigilVersion() { return ${JSON.stringify(version)}; }`,
        loader: "ts",
        resolveDir: dirname(args.path),
      }));
    },
  };
}

import { rm } from "node:fs/promises";
import { relative, resolve } from "node:path";
import { iamActionsPlugin } from "@vigil/iam-actions";
import { type BuildOptions, build, type Metafile, type Plugin } from "esbuild";

/**
 * A handler's production bundle, built as SST v2 builds an ESM function (its format, mainFields,
 * keepNames and the banner that gives bundled CommonJS a `require`) plus what the stacks ask for
 * (stacks/monitor/vigilFunction.ts): minified, tree-shaken, for Node 22, split into chunks, with
 * the IAM action index embedded.
 *
 * Splitting (SST's `nodejs.splitting`, which names chunks `.mjs` as here) leaves in chunks of their
 * own the modules that are only imported dynamically, so a cold start does not load them: the
 * SDK's credential providers other than the environment's, and the IAM client that restores an
 * omitted policy document. `bowser`, which the SDK imports only to parse a browser's user agent,
 * is left out, as the stack leaves it out: on Node nothing imports it.
 */
export const PRODUCTION_OPTIONS = {
  bundle: true,
  minify: true,
  treeShaking: true,
  keepNames: true,
  platform: "node",
  target: "node22",
  format: "esm",
  mainFields: ["module", "main"],
  splitting: true,
  outExtension: { ".js": ".mjs" },
  external: ["bowser"],
  banner: {
    js: [
      `import { createRequire as topLevelCreateRequire } from 'module';`,
      `const require = topLevelCreateRequire(import.meta.url);`,
      `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
      `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
    ].join("\n"),
  },
  logLevel: "warning",
} as const satisfies BuildOptions;

export interface BuiltBundle {
  /** The entry file, which the function's handler names; its chunks are beside it. */
  outfile: string;
  /** Every file of the bundle, entry and chunks: what the function's package holds. */
  bytes: number;
  files: number;
  /** The entry and the chunks it imports statically: what a cold start loads before the handler runs. */
  startupBytes: number;
  startupFiles: number;
  /** Bytes in the whole bundle by package (`zod`, `@aws-sdk/client-sns`) or, for our own code, by folder. */
  bytesByOrigin: Map<string, number>;
}

/** Builds `entry` into its own directory `outdir` (emptied first), as SST gives each function one; `plugins` run before the action index's. */
export async function bundleHandler(entry: string, outdir: string, plugins: readonly Plugin[] = []): Promise<BuiltBundle> {
  await rm(outdir, { recursive: true, force: true });
  const result = await build({ ...PRODUCTION_OPTIONS, entryPoints: [entry], outdir, metafile: true, plugins: [...plugins, iamActionsPlugin()] });
  const outputs = result.metafile.outputs;
  // Chunks loaded by import() are entry points too; the function's own is the one built from `entry`.
  const entryOutput = Object.keys(outputs).find((path) => outputs[path]?.entryPoint === relative(process.cwd(), entry));
  if (!entryOutput) throw new Error(`esbuild reported no output for ${entry}`);
  const startup = staticallyLoaded(outputs, entryOutput);
  const bytesByOrigin = new Map<string, number>();
  let bytes = 0;
  for (const output of Object.values(outputs)) {
    bytes += output.bytes;
    for (const [path, input] of Object.entries(output.inputs)) {
      const origin = originOf(path);
      bytesByOrigin.set(origin, (bytesByOrigin.get(origin) ?? 0) + input.bytesInOutput);
    }
  }
  return {
    outfile: resolve(entryOutput),
    bytes,
    files: Object.keys(outputs).length,
    startupBytes: [...startup].reduce((sum, path) => sum + (outputs[path]?.bytes ?? 0), 0),
    startupFiles: startup.size,
    bytesByOrigin,
  };
}

/** The output and every chunk it reaches through static imports (not `import()`). */
function staticallyLoaded(outputs: Metafile["outputs"], from: string): Set<string> {
  const loaded = new Set<string>();
  const pending = [from];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    if (loaded.has(path)) continue;
    loaded.add(path);
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === "import-statement" && imported.path in outputs) pending.push(imported.path);
  }
  return loaded;
}

function originOf(path: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage?.[1]) return inPackage[1];
  const parts = path.split("/");
  return parts[0] === "packages" ? `packages/${parts[1]}` : (parts[0] ?? path);
}

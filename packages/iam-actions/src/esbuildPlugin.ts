import { dirname } from "node:path";
import { packActionNames } from "./packedActionNames.ts";
import { iamDataDir, readActionNames } from "./readActionNames.ts";

/**
 * The part of esbuild's plugin API this plugin uses, which esbuild 0.18 (SST v2's) and current
 * esbuild share; typed here rather than imported so the plugin fits either version's `plugins`.
 */
export interface IamActionsPlugin {
  name: string;
  setup(build: {
    onLoad(options: { filter: RegExp }, callback: (args: { path: string }) => { contents: string; loader: "js"; resolveDir: string }): void;
  }): void;
}

export interface IamActionsPluginOptions {
  /** The iam-data `data` directory to embed; by default the one the loader module resolves. */
  dataDir?: string;
}

/**
 * Matched by path, not by this file's own URL: SST bundles the stacks (and so this plugin) into
 * one file before running them, which leaves import.meta.url pointing elsewhere.
 */
const LOADER = /[\\/]iam-actions[\\/]src[\\/]loadActionIndex\.ts$/;

/** Packed action names by data directory: read and compressed once per process, however many bundles. */
const packedByDataDir = new Map<string, string>();

/**
 * For bundled Lambdas: swaps loadActionIndex.ts, which reads 11 MB of data files that a bundle
 * does not carry, for a module holding the index's action names compressed in base64 (~114 KB),
 * unpacked once on the first call, at cold start. The index is the iam-data version installed
 * when the bundle is built; unbundled code (the CLI, tests) keeps reading node_modules.
 */
export function iamActionsPlugin(options: IamActionsPluginOptions = {}): IamActionsPlugin {
  return {
    name: "vigil-iam-actions",
    setup(build) {
      build.onLoad({ filter: LOADER }, (args) => {
        const dataDir = options.dataDir ?? iamDataDir(args.path);
        let packed = packedByDataDir.get(dataDir);
        if (packed === undefined) {
          packed = packActionNames(readActionNames(dataDir));
          packedByDataDir.set(dataDir, packed);
        }
        return { contents: bundledLoader(packed), loader: "js", resolveDir: dirname(args.path) };
      });
    },
  };
}

function bundledLoader(packed: string): string {
  return [
    `import { indexFromNames } from "./actionNames.ts";`,
    `import { unpackActionNames } from "./packedActionNames.ts";`,
    `let actionIndex;`,
    `export function loadActionIndex() {`,
    `  return (actionIndex ??= indexFromNames(unpackActionNames(${JSON.stringify(packed)})));`,
    `}`,
  ].join("\n");
}

import { iamCatalogPlugin } from "@vigil/iam-catalog";
import { type BuildOptions, build } from "esbuild";

/**
 * A handler's production bundle, built as SST v2 builds an ESM function (its format, mainFields,
 * keepNames and the banner that gives bundled CommonJS a `require`) plus what the stacks should
 * ask for: minified, tree-shaken, for Node 22, with the IAM action catalogue embedded.
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
  outfile: string;
  bytes: number;
  /** Bytes in the bundle by package (`zod`, `@aws-sdk/client-sns`) or, for our own code, by folder. */
  bytesByOrigin: Map<string, number>;
}

export async function bundleHandler(entry: string, outfile: string): Promise<BuiltBundle> {
  const result = await build({ ...PRODUCTION_OPTIONS, entryPoints: [entry], outfile, metafile: true, plugins: [iamCatalogPlugin()] });
  const output = result.metafile.outputs[Object.keys(result.metafile.outputs).find((path) => path.endsWith(".mjs")) ?? ""];
  if (!output) throw new Error(`esbuild reported no output for ${entry}`);
  const bytesByOrigin = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const origin = originOf(path);
    bytesByOrigin.set(origin, (bytesByOrigin.get(origin) ?? 0) + input.bytesInOutput);
  }
  return { outfile, bytes: output.bytes, bytesByOrigin };
}

function originOf(path: string): string {
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  if (inPackage?.[1]) return inPackage[1];
  const parts = path.split("/");
  return parts[0] === "packages" ? `packages/${parts[1]}` : (parts[0] ?? path);
}

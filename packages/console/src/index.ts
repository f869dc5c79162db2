// The triage console: pages over the findings API (page/), built into static assets the CLI serves.
import { existsSync } from "node:fs";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

// Found by the package's own name, not this file's place: inside the CLI's bundle this code sits in
// packages/cli/dist, and the assets are still the console package's.
const PACKAGE = dirname(createRequire(import.meta.url).resolve("@vigil/console/package.json"));

/** Where `buildConsole()` puts the assets by default, and where `vigil console` looks for them. */
export const CONSOLE_DIST = join(PACKAGE, "dist");

export interface BuiltConsole {
  /** The directory holding index.html and assets/ (console.js, console.css). */
  outdir: string;
  /** Every file written, relative to outdir. */
  files: string[];
}

/**
 * Bundles the page (Preact, uPlot and the page's TypeScript, minified; uPlot's style sheet with
 * the page's own) with esbuild into `outdir`: index.html, assets/console.js, assets/console.css.
 * Nothing is fetched from elsewhere at run time: no CDN, no font.
 */
export async function buildConsole(outdir: string = CONSOLE_DIST): Promise<BuiltConsole> {
  const { build } = await import("esbuild");
  await rm(join(outdir, "assets"), { recursive: true, force: true });
  await mkdir(join(outdir, "assets"), { recursive: true });
  const result = await build({
    entryPoints: { console: join(PACKAGE, "page", "main.tsx") },
    outdir: join(outdir, "assets"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: ["chrome114", "firefox115", "safari16"],
    minify: true,
    sourcemap: false,
    jsx: "automatic",
    jsxImportSource: "preact",
    tsconfig: join(PACKAGE, "tsconfig.json"),
    legalComments: "none",
    logLevel: "silent",
    metafile: true,
  });
  if (result.errors.length > 0) throw new Error(`the console did not build: ${result.errors.map((error) => error.text).join("; ")}`);
  await copyFile(join(PACKAGE, "page", "index.html"), join(outdir, "index.html"));
  const files = ["index.html", ...Object.keys(result.metafile.outputs).map((path) => `assets/${path.split("/").at(-1)}`)];
  return { outdir, files };
}

/** True when `dir` holds a built console. */
export function isBuilt(dir: string = CONSOLE_DIST): boolean {
  return existsSync(join(dir, "index.html")) && existsSync(join(dir, "assets", "console.js"));
}

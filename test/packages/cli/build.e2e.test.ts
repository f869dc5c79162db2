import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { currentBuild } from "../../../packages/cli/bin/currentBuild.js";
import { type BuildManifest, buildCli } from "../../../scripts/buildCli.ts";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";

const MAIN = join(REPO, "packages/cli/src/main.ts");
const VERSION = (JSON.parse(readFileSync(join(REPO, "packages/cli/package.json"), "utf8")) as { version: string }).version;

// Built into a temporary directory by the function `npm ci` runs, so this holds without an install's build.
describe("CLI: the build npm ci makes", () => {
  let dist: string;
  beforeAll(async () => {
    dist = tempDir("vigil-build-");
    await buildCli(dist);
  }, 120_000);

  const fromBuild = (args: string[]) => runCli(args, { env: { VIGIL_CLI_DIST: dist } });
  const fromSources = (args: string[]) => runCli(args, { env: { VIGIL_CLI_SOURCES: "1" } });

  it("is current right after it is built, and lists our sources but nothing under node_modules", () => {
    expect(currentBuild(dist)).toBe(join(dist, "vigil.mjs"));
    const manifest = JSON.parse(readFileSync(join(dist, "manifest.json"), "utf8")) as BuildManifest;
    const inputs = manifest.inputs.map(([path]) => relative(REPO, join(dist, path)));
    expect(inputs).toContain("packages/cli/src/main.ts");
    expect(inputs).toContain("packages/cli/package.json");
    expect(inputs.filter((path) => path.includes("node_modules"))).toEqual([]);
  });

  it.each([[["--version"]], [["rules"]], [["rules", "--format", "json"]], [["--help"]], [["rules", "--bogus"]]])(
    "answers %j exactly as the sources do",
    async (args) => {
      const [built, sources] = await Promise.all([fromBuild(args), fromSources(args)]);
      expect(built).toEqual(sources);
    },
    60_000,
  );

  it("carries the CLI package's version", async () => {
    expect((await fromBuild(["--version"])).stdout).toBe(`${VERSION}\n`);
  });
});

// A stand-in build whose entry says it ran, over a manifest of one real source: the bin's choice
// is seen from outside, and the real tree is never touched.
describe("CLI: bin/vigil.js runs a build only while it matches its sources", () => {
  const STAND_IN = `export async function main() { process.stdout.write("the build\\n"); return 0; }\n`;
  let dir: string;
  beforeAll(() => {
    dir = tempDir("vigil-bin-");
  });

  /** A build in `name` whose manifest records main.ts as `change` leaves its stats (none: as they are). */
  const standIn = (name: string, change: (input: [string, number, number]) => [string, number, number] = (input) => input) => {
    const dist = join(dir, name);
    mkdirSync(dist);
    writeFileSync(join(dist, "vigil.mjs"), STAND_IN);
    const stats = statSync(MAIN);
    const manifest: BuildManifest = { version: 1, entry: "vigil.mjs", inputs: [change([relative(dist, MAIN), stats.size, stats.mtimeMs])] };
    writeFileSync(join(dist, "manifest.json"), JSON.stringify(manifest));
    return dist;
  };
  const run = async (dist: string) => (await runCli(["--version"], { env: { VIGIL_CLI_DIST: dist } })).stdout;

  it("runs the build when every input has the size and mtime the manifest recorded", async () => {
    expect(await runCli(["--version"], { env: { VIGIL_CLI_DIST: standIn("current") } })).toEqual({ code: 0, stdout: "the build\n", stderr: "" });
  });

  it("runs the sources when a source was modified after the build (its mtime moved on)", async () => {
    expect(await run(standIn("edited", ([path, size, mtimeMs]) => [path, size, mtimeMs - 1000]))).toBe(`${VERSION}\n`);
  });

  it("runs the sources when a source changed size, or is gone", async () => {
    expect(await run(standIn("resized", ([path, size, mtimeMs]) => [path, size + 1, mtimeMs]))).toBe(`${VERSION}\n`);
    expect(await run(standIn("gone", ([, size, mtimeMs]) => ["../no-such-source.ts", size, mtimeMs]))).toBe(`${VERSION}\n`);
  });

  it("runs the sources when there is no build, or its manifest is unreadable", async () => {
    const unreadable = standIn("unreadable");
    writeFileSync(join(unreadable, "manifest.json"), "{ not json");
    expect(await run(join(dir, "no-such-build"))).toBe(`${VERSION}\n`);
    expect(await run(unreadable)).toBe(`${VERSION}\n`);
  });

  it("runs the sources, even over a current build, when VIGIL_CLI_SOURCES=1", async () => {
    const result = await runCli(["--version"], { env: { VIGIL_CLI_DIST: standIn("forced"), VIGIL_CLI_SOURCES: "1" } });
    expect(result.stdout).toBe(`${VERSION}\n`);
  });
});

import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import type { ActionIndex } from "@vigil/core";
import { iamActionsPlugin, type IamActionsPluginOptions, loadActionIndex } from "@vigil/iam-actions";
import * as esbuildCurrent from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../../..");
/** The esbuild SST v2 bundles functions with, nested under sst. */
const esbuildOfSst = createRequire(join(ROOT, "node_modules/sst/package.json"))("esbuild") as typeof esbuildCurrent;
const ESBUILDS = [
  { label: `esbuild ${esbuildCurrent.version}`, esbuild: esbuildCurrent },
  { label: `esbuild ${esbuildOfSst.version} (SST v2)`, esbuild: esbuildOfSst },
];

/** A Lambda-like entry that prints the whole action index it loads. */
const ENTRY = `
import { loadActionIndex } from "@vigil/iam-actions";
const actionIndex = loadActionIndex();
const services = actionIndex.services();
console.log(JSON.stringify({
  services,
  actions: Object.fromEntries(services.map((service) => [service, actionIndex.actions(service)])),
  upperCaseIam: actionIndex.actions("IAM"),
  sameOnSecondCall: loadActionIndex() === actionIndex,
}));`;

interface Printed {
  services: string[];
  actions: Record<string, string[]>;
  upperCaseIam: string[] | undefined;
  sameOnSecondCall: boolean;
}

let directory: string;
beforeAll(async () => {
  // Outside the repository: a bundle that still needed node_modules would fail to run here.
  directory = await mkdtemp(join(tmpdir(), "vigil-iam-actions-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Bundles ENTRY as the handlers are bundled (ESM for Node, minified), runs it in a fresh Node and returns what it printed. */
async function bundleAndRun(esbuild: typeof esbuildCurrent, name: string, options?: IamActionsPluginOptions) {
  const outfile = join(directory, `${name}.mjs`);
  await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: "ts" },
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    mainFields: ["module", "main"],
    outfile,
    logLevel: "silent",
    plugins: [iamActionsPlugin(options)],
  });
  const { stdout } = await promisify(execFile)(process.execPath, [outfile], { cwd: directory, maxBuffer: 64 * 2 ** 20, timeout: 20_000 });
  return { printed: JSON.parse(stdout) as Printed, bytes: (await stat(outfile)).size };
}

function contents(actionIndex: ActionIndex) {
  const services = [...actionIndex.services()];
  return { services, actions: Object.fromEntries(services.map((service) => [service, actionIndex.actions(service)])) };
}

describe("Function: iamActionsPlugin", () => {
  const fromNodeModules = contents(loadActionIndex());

  it.each(ESBUILDS)("gives a bundle built with $label the same action index as node_modules, carried in under 200 KB", async ({ esbuild }) => {
    // Act
    const { printed, bytes } = await bundleAndRun(esbuild, `action-index-${esbuild.version}`);

    // Assess
    expect(fromNodeModules.services.length).toBeGreaterThan(400);
    expect({ services: printed.services, actions: printed.actions }).toEqual(fromNodeModules);
    expect(printed.upperCaseIam).toEqual(fromNodeModules.actions.iam);
    expect(printed.sameOnSecondCall).toBe(true);
    // The names alone are ~518 KB of JSON; a bundle must stay well inside Lambda's 1 MB budget.
    expect(bytes).toBeLessThan(200_000);
  });

  it("embeds the data directory it is given, read as loadActionIndex reads it", async () => {
    // Prepare
    const dataDir = join(directory, "data");
    await mkdir(join(dataDir, "actions"), { recursive: true });
    await writeFile(join(dataDir, "actions", "Example.json"), JSON.stringify({ putthing: { name: "PutThing" }, getthing: { name: "GetThing" } }));
    await writeFile(join(dataDir, "actions", "another.json"), JSON.stringify({ run: { name: "Run" } }));
    await writeFile(join(dataDir, "actions", "README.txt"), "not a service");

    // Act
    const { printed } = await bundleAndRun(esbuildCurrent, "small", { dataDir });

    // Assess
    expect({ services: printed.services, actions: printed.actions }).toEqual(contents(loadActionIndex(dataDir)));
    expect(printed.actions).toEqual({ another: ["Run"], example: ["PutThing", "GetThing"] });
    expect(printed.services).toEqual(["another", "example"]);
  });
});

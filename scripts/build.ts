/**
 * Builds what Vigil runs from a checkout, ahead of time: run by the root package.json's `prepare`,
 * so by `npm ci` and `npm install`, and by hand with `npm run build`. Each step is built in turn
 * and any failure fails the install with its error. packages/cli/bin/vigil.js falls back to the
 * sources whenever a source is newer than the build, so skipping this only costs start-up time.
 */
import { relative } from "node:path";
import { buildConsole } from "@vigil/console";
import { buildCli } from "./buildCli.ts";

interface BuildStep {
  name: string;
  /** Builds into its default place and says what it wrote. */
  run(): Promise<string>;
}

const STEPS: BuildStep[] = [
  {
    name: "cli",
    async run() {
      const built = await buildCli();
      return `${relative(process.cwd(), built.entry)} from ${built.inputs} files`;
    },
  },
  {
    name: "console",
    async run() {
      const built = await buildConsole();
      return `${built.files.length} files in ${relative(process.cwd(), built.outdir)}`;
    },
  },
];

for (const step of STEPS) {
  const started = performance.now();
  try {
    const what = await step.run();
    console.log(`vigil build: ${step.name}: ${what} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(`vigil build: ${step.name} failed`);
    throw error;
  }
}

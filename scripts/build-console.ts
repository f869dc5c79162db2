// Builds the console's static assets: `tsx scripts/build-console.ts [OUTDIR]` (default packages/console/dist).
import { statSync } from "node:fs";
import { join } from "node:path";
import { buildConsole, CONSOLE_DIST } from "@vigil/console";

const started = performance.now();
const built = await buildConsole(process.argv[2] ?? CONSOLE_DIST);
const sizes = built.files.map((file) => `${file} ${(statSync(join(built.outdir, file)).size / 1024).toFixed(1)} KiB`);
console.log(`Built the console into ${built.outdir} in ${Math.round(performance.now() - started)} ms: ${sizes.join(", ")}`);

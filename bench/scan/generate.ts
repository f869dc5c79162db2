/**
 * Writes the synthetic CloudTrail archive `vigil scan` is benchmarked on (or reuses it).
 *   npx tsx bench/scan/generate.ts [--records 1000000] [--out bench/.data/scan-<N>] [--seed 20261101]
 * Prints the archive's manifest as one JSON line.
 */
import { parseArgs } from "node:util";
import { DEFAULT_SEED, ensureArchive } from "./archive.ts";
import { positiveInteger } from "./options.ts";

const { values } = parseArgs({
  options: {
    records: { type: "string", default: "1000000" },
    out: { type: "string" },
    seed: { type: "string", default: String(DEFAULT_SEED) },
  },
});
const records = positiveInteger(values.records, "--records");
const seed = positiveInteger(values.seed, "--seed");
const { dir, manifest, reused } = await ensureArchive({ records, seed, ...(values.out ? { dir: values.out } : {}) });
console.log(JSON.stringify({ dir, reused, ...manifest }));

/**
 * The floor `vigil scan` is measured against: the same archive read the way a fair scanner reads
 * it, with no rules. Walks the directory recursively in name order, reads each file with
 * fs.promises.readFile, gunzips on the libuv pool with a bounded number of files in flight, and
 * JSON.parses on the main thread, counting records.
 *   npx tsx bench/scan/baseline.ts DIR [--concurrency 4]
 * Prints one JSON line: {"records":…,"files":…,"seconds":…}.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { positiveInteger } from "./options.ts";

const gunzipAsync = promisify(gunzip);
const INPUT_FILE = /\.json(\.gz)?$/;

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && INPUT_FILE.test(entry.name)) yield path;
  }
}

async function load(path: string): Promise<Buffer> {
  const buffer = await readFile(path);
  return buffer[0] === 0x1f && buffer[1] === 0x8b ? gunzipAsync(buffer) : buffer;
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { concurrency: { type: "string", default: "4" } } });
const dir = positionals[0];
if (!dir || positionals.length > 1) {
  console.error("usage: baseline.ts DIR [--concurrency 4]");
  process.exit(2);
}
const concurrency = positiveInteger(values.concurrency, "--concurrency");

const started = performance.now();
let records = 0;
let files = 0;
const pending: Promise<Buffer>[] = [];
const consume = async (content: Promise<Buffer>) => {
  const parsed = JSON.parse((await content).toString("utf8")) as { Records?: unknown[] };
  records += parsed.Records?.length ?? 0;
  files++;
};
for await (const path of walk(dir)) {
  pending.push(load(path));
  if (pending.length >= concurrency) await consume(pending.shift() as Promise<Buffer>);
}
while (pending.length > 0) await consume(pending.shift() as Promise<Buffer>);
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ records, files, seconds: Math.round(seconds * 1000) / 1000 }));

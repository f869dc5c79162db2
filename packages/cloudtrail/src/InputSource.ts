import { readFile, readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { InputError } from "./errors.ts";

const gunzipAsync = promisify(gunzip);

/** One thing to read: a file, or standard input. */
export interface InputSource {
  name: string;
  read(): Promise<Buffer>;
}

/** File names a CloudTrail archive or an export holds; other files in a walked directory are not inputs. */
const INPUT_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/**
 * Expands paths into sources: `-` is standard input, a file is itself (whatever its name), a
 * directory is walked recursively for JSON inputs in name order, as CloudTrail's
 * `AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/` layout sorts by time.
 */
export async function* expandInputs(paths: readonly string[], stdin: () => Promise<Buffer>): AsyncGenerator<InputSource> {
  for (const path of paths) {
    if (path === "-") {
      yield { name: "<stdin>", read: async () => decode("<stdin>", await stdin()) };
      continue;
    }
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(path);
    } catch (error) {
      throw new InputError(path, "no such file or directory", { cause: error });
    }
    if (info.isDirectory()) yield* walk(path);
    else yield fileSource(path);
  }
}

async function* walk(dir: string): AsyncGenerator<InputSource> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && INPUT_FILE.test(entry.name)) yield fileSource(path);
  }
}

function fileSource(path: string): InputSource {
  return {
    name: path,
    read: async () => {
      let buffer: Buffer;
      try {
        buffer = await readFile(path);
      } catch (error) {
        throw new InputError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? error}`, { cause: error });
      }
      return decode(path, buffer);
    },
  };
}

/** Gunzips by content (the magic bytes), not by name: CloudTrail files are gzip whatever a copy renamed them to. */
async function decode(name: string, buffer: Buffer): Promise<Buffer> {
  if (buffer.length < 2 || buffer[0] !== 0x1f || buffer[1] !== 0x8b) return buffer;
  try {
    return await gunzipAsync(buffer);
  } catch (error) {
    throw new InputError(name, `corrupt gzip: ${(error as Error).message}`, { cause: error });
  }
}

/** Reads sources with up to `concurrency` reads (and gunzips, on the libuv pool) in flight, in order. */
export async function* readAhead(
  sources: AsyncIterable<InputSource>,
  concurrency: number,
): AsyncGenerator<{ source: InputSource; content: Promise<Buffer> }> {
  const pending: { source: InputSource; content: Promise<Buffer> }[] = [];
  for await (const source of sources) {
    const content = source.read();
    content.catch(() => {}); // observed by the consumer in order; avoid an unhandled rejection meanwhile
    pending.push({ source, content });
    if (pending.length >= concurrency) yield pending.shift() as (typeof pending)[number];
  }
  while (pending.length > 0) yield pending.shift() as (typeof pending)[number];
}

import type { Dirent, Stats } from "node:fs";
import { readFile, readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { InputError } from "./errors.ts";
import { holdsNoEvents } from "./trailLayout.ts";

const gunzipAsync = promisify(gunzip);

/** One thing to read: a file, or standard input. */
export interface InputSource {
  name: string;
  read(): Promise<Buffer>;
}

/** File names a CloudTrail archive or an export holds; other files in a walked directory (or listed prefix) are not inputs. */
export const INPUT_FILE = /\.(json|jsonl|ndjson)(\.gz)?$/i;

/**
 * Checks every path, then expands them into sources: `-` is standard input, a file is itself
 * (whatever its name), a directory is walked recursively for JSON inputs in name order, as
 * CloudTrail's `AWSLogs/[o-<org>/]<account>/CloudTrail/<region>/YYYY/MM/DD/` layout sorts by time.
 * The trail's digest and Insights folders and files hold no events Vigil reads and are left out.
 *
 * A missing path throws here, before anything is read (or stored). Inside a walk, symbolic links
 * are followed (archives are often synced with them); each real directory is walked once and
 * each real file read once, so a link back up the tree is no loop. What cannot be walked (a
 * directory that may not be read, a broken link) becomes a source whose read fails with an
 * InputError: it is reported and the walk goes on.
 */
export async function expandInputs(paths: readonly string[], stdin: () => Promise<Buffer>): Promise<AsyncIterable<InputSource>> {
  const checked: { path: string; directory: boolean }[] = [];
  for (const path of paths) {
    if (path === "-") {
      checked.push({ path, directory: false });
      continue;
    }
    try {
      checked.push({ path, directory: (await stat(path)).isDirectory() });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new InputError(path, code === "ENOENT" || code === "ENOTDIR" ? "no such file or directory" : `cannot read (${code ?? error})`, { cause: error });
    }
  }
  return sources(checked, stdin);
}

async function* sources(checked: readonly { path: string; directory: boolean }[], stdin: () => Promise<Buffer>): AsyncGenerator<InputSource> {
  const seen = new Set<string>();
  for (const { path, directory } of checked) {
    if (path === "-") yield { name: "<stdin>", read: async () => decodeInput("<stdin>", await stdin()) };
    else if (directory) yield* walk(path, seen);
    else if (firstVisit(seen, await realpath(path).catch(() => path))) yield fileSource(path);
  }
}

/** Walks `dir` unless its real path was walked already; `seen` holds the real paths met so far. */
async function* walk(dir: string, seen: Set<string>): AsyncGenerator<InputSource> {
  let real: string;
  let entries: Dirent[];
  try {
    real = await realpath(dir);
    if (!firstVisit(seen, real)) return;
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    yield unreadable(dir, `cannot read the directory (${(error as NodeJS.ErrnoException).code ?? error})`, error);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith(".")) continue;
    const path = join(dir, entry.name);
    if (holdsNoEvents(entry.name, entry.isDirectory() ? "directory" : "file")) continue;
    if (entry.isDirectory()) {
      yield* walk(path, seen);
      continue;
    }
    if (entry.isFile()) {
      // A plain file's real path is its real directory's plus its name: no system call per file.
      if (INPUT_FILE.test(entry.name) && firstVisit(seen, join(real, entry.name))) yield fileSource(path);
      continue;
    }
    // A symbolic link (or an entry whose type the file system did not say): what it leads to decides.
    let target: Stats;
    let targetReal: string;
    try {
      target = await stat(path);
      targetReal = await realpath(path);
    } catch (error) {
      if (entry.isSymbolicLink()) yield unreadable(path, `cannot follow the symbolic link (${(error as NodeJS.ErrnoException).code ?? error})`, error);
      continue;
    }
    if (target.isDirectory() && holdsNoEvents(entry.name, "directory")) continue;
    if (target.isDirectory()) yield* walk(path, seen);
    else if (target.isFile() && INPUT_FILE.test(entry.name) && firstVisit(seen, targetReal)) yield fileSource(path);
  }
}

function firstVisit(seen: Set<string>, realPath: string): boolean {
  if (seen.has(realPath)) return false;
  seen.add(realPath);
  return true;
}

/** A path the walk met but cannot read: reading it fails, so it is reported in order with the rest. */
function unreadable(path: string, message: string, cause: unknown): InputSource {
  return {
    name: path,
    read: () => Promise.reject(new InputError(path, message, { cause })),
  };
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
      return decodeInput(path, buffer);
    },
  };
}

/** Gunzips by content (the magic bytes), not by name: CloudTrail files are gzip whatever a copy renamed them to. */
export async function decodeInput(name: string, buffer: Buffer): Promise<Buffer> {
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

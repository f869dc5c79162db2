import { createReadStream, type Dirent, type Stats } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import { join } from "node:path";
import { InputError } from "./errors.ts";
import { type InputContent, type InputSource, readInput } from "./readInput.ts";
import type { ReadLimits } from "./readLimits.ts";
import { holdsNoEvents } from "./trailLayout.ts";


/** Files are read in steps this large: a CloudTrail log file in a step or a few. */
const FILE_CHUNK = 1024 * 1024;

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
export async function expandInputs(paths: readonly string[], stdin: () => AsyncIterable<Uint8Array>): Promise<AsyncIterable<InputSource>> {
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

async function* sources(checked: readonly { path: string; directory: boolean }[], stdin: () => AsyncIterable<Uint8Array>): AsyncGenerator<InputSource> {
  const seen = new Set<string>();
  for (const { path, directory } of checked) {
    if (path === "-") yield { name: "<stdin>", open: async () => stdin() };
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
    open: () => Promise.reject(new InputError(path, message, { cause })),
  };
}

/** A file, opened as it is read: a file that cannot be read fails its first read, with its code. */
function fileSource(path: string): InputSource {
  return { name: path, open: async () => createReadStream(path, { highWaterMark: FILE_CHUNK }) };
}

/**
 * Reads sources with up to `concurrency` reads (and gunzips, on the libuv pool) in flight, in
 * order. A document is read whole ahead; JSON lines only up to their first line, the rest as the
 * consumer pulls them.
 */
export async function* readAhead(
  sources: AsyncIterable<InputSource>,
  concurrency: number,
  limits: ReadLimits,
): AsyncGenerator<{ source: InputSource; content: Promise<InputContent> }> {
  const pending: { source: InputSource; content: Promise<InputContent> }[] = [];
  for await (const source of sources) {
    const content = readInput(source, limits);
    content.catch(() => {}); // observed by the consumer in order; avoid an unhandled rejection meanwhile
    pending.push({ source, content });
    if (pending.length >= concurrency) yield pending.shift() as (typeof pending)[number];
  }
  while (pending.length > 0) yield pending.shift() as (typeof pending)[number];
}

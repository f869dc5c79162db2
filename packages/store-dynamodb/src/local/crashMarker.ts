import { rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { StoreError } from "../errors.ts";

/**
 * A file in the store directory that exists while a process has the store open. Only a process
 * that dies with the store open (killed, out of memory, power cut) leaves it behind, so finding it
 * at open says the database may hold writes dynalite had not finished, and only then is the cost
 * of checking every index worth paying.
 */
const MARKER = "vigil.open";

/** Marks the store at `path` open; true when the previous process left it open (it died). Call with the store locked. */
export async function markOpen(path: string): Promise<boolean> {
  const marker = join(path, MARKER);
  try {
    const crashed = await stat(marker).then(
      () => true,
      () => false,
    );
    await writeFile(marker, `${process.pid}\n`);
    return crashed;
  } catch (error) {
    throw new StoreError(`cannot mark the store at ${path} open: ${(error as Error).message}`, { cause: error });
  }
}

/** Marks the store closed: call once its database is closed, before releasing the lock. */
export async function markClosed(path: string): Promise<void> {
  try {
    await rm(join(path, MARKER), { force: true });
  } catch (error) {
    throw new StoreError(`cannot mark the store at ${path} closed: ${(error as Error).message}`, { cause: error });
  }
}

import { mkdir } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { StoreError, StoreLockedError } from "../errors.ts";

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

// The very `level` dynalite opens its database with, so the LevelDB lock means the same thing.
const requireFromDynalite = createRequire(createRequire(import.meta.url).resolve("dynalite"));
const { Level } = requireFromDynalite("level") as { Level: new (path: string) => LevelDatabase };

/** A small LevelDB of its own inside the store directory whose LOCK marks the store as taken. */
const LOCK_DIRECTORY = "vigil.lock";

export interface StoreLock {
  release(): Promise<void>;
}

/**
 * Takes the on-disk store at `path` for this process, creating the directory when missing.
 * dynalite cannot report a database it fails to open (the failure is thrown from a callback and
 * ends the process), so the locks are checked before it starts: the sidecar LevelDB's, held for as
 * long as the store is open and released by the OS if the process dies, keeps two Vigil processes
 * apart without a race; a trial open of the store itself catches anything else holding it.
 */
export async function lockStore(path: string): Promise<StoreLock> {
  try {
    await mkdir(path, { recursive: true });
  } catch (error) {
    throw new StoreError(`cannot create the store directory ${path}: ${(error as Error).message}`, { cause: error });
  }
  const lock = new Level(join(path, LOCK_DIRECTORY));
  await openLevel(lock, path);
  try {
    const probe = new Level(path);
    await openLevel(probe, path);
    await probe.close();
  } catch (error) {
    await lock.close();
    throw error;
  }
  return { release: () => lock.close() };
}

async function openLevel(database: LevelDatabase, path: string): Promise<void> {
  try {
    await database.open();
  } catch (error) {
    const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
    if (cause?.code === "LEVEL_LOCKED") throw new StoreLockedError(path, { cause: error });
    throw new StoreError(`cannot open the store at ${path}: ${String(cause?.message ?? (error as Error).message)}`, { cause: error });
  }
}

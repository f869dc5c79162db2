import { createReadStream } from "node:fs";
import { InputError } from "./errors.ts";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const GiB = 1024 * MiB;

/**
 * An input that passed a size limit. Reading stopped as soon as it did, so however large the
 * input (or however well a gzip bomb compresses), memory held no more than the limit.
 */
export class InputTooLargeError extends InputError {
  readonly limit: number;
  /** `what` says which size passed (`size`, `decompressed size`); `option` is how to raise the limit, when one can. */
  constructor(source: string, limit: number, options: { what: string; option?: string; outcome?: string }) {
    super(source, `${options.what} exceeds ${formatSize(limit)}${options.option ? ` (${options.option})` : ""}${options.outcome ? `; ${options.outcome}` : ""}`);
    this.limit = limit;
  }
}

/** A byte count as its user would have written it: `256 MiB`, `2 MB`, or bytes when neither divides it. */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [
    [GiB, "GiB"],
    [1e9, "GB"],
    [MiB, "MiB"],
    [1e6, "MB"],
    [KiB, "KiB"],
    [1e3, "kB"],
  ];
  for (const [size, unit] of units) if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  return `${bytes} bytes`;
}

/**
 * Collects a stream's chunks into one Buffer, throwing `tooLarge()` as soon as they pass `limit`
 * bytes; leaving the loop early destroys the stream, so the rest is never read.
 */
export async function readLimited(chunks: AsyncIterable<Uint8Array>, limit: number, tooLarge: () => Error): Promise<Buffer> {
  const held: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size > limit) throw tooLarge();
    held.push(chunk);
  }
  return Buffer.concat(held, size);
}

/**
 * A whole file, at most `limit` bytes. Read as a stream, not sized first with stat: a FIFO or a
 * device (`/dev/zero`) has no size to check, and a file may grow between the check and the read.
 *
 * @throws InputTooLargeError naming the file and the limit; the file system's error (with its code) when it cannot be read.
 */
export function readFileLimited(path: string, limit: number): Promise<Buffer> {
  return readLimited(createReadStream(path), limit, () => new InputTooLargeError(path, limit, { what: "size" }));
}

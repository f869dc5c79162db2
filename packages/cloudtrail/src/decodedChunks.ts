import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { InputError } from "./errors.ts";

/**
 * Inflated in steps this large: fewer trips to the libuv pool than zlib's 16 KiB default, and
 * still a small step past a limit when a bomb is stopped.
 */
const GUNZIP_CHUNK = 256 * 1024;

/**
 * An input's bytes, gunzipped when its first bytes are gzip's magic number (by content,
 * not by name: CloudTrail files are gzip whatever a copy renamed them to). Inflated as a stream
 * as the caller pulls, so stopping early (a limit passed) inflates no further. Failures are
 * InputErrors naming the input: `corrupt gzip: ...` or `cannot read: ...`.
 */
export async function* decodedChunks(name: string, raw: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
  const iterator = raw[Symbol.asyncIterator]();
  try {
    // The magic number may be split over the first chunks (a pipe can deliver a byte at a time).
    const head: Buffer[] = [];
    let headSize = 0;
    while (headSize < 2) {
      const next = await pull(name, iterator);
      if (next === undefined) break;
      head.push(next);
      headSize += next.length;
    }
    const first = Buffer.concat(head, headSize);
    if (first.length < 2 || first[0] !== 0x1f || first[1] !== 0x8b) {
      if (first.length > 0) yield first;
      for (let next = await pull(name, iterator); next !== undefined; next = await pull(name, iterator)) yield next;
      return;
    }
    const compressed = async function* () {
      yield first;
      for (let next = await pull(name, iterator); next !== undefined; next = await pull(name, iterator)) yield next;
    };
    const gunzip = createGunzip({ chunkSize: GUNZIP_CHUNK });
    const feeding = pipeline(Readable.from(compressed(), { objectMode: false }), gunzip);
    feeding.catch(() => {}); // its failure reaches the reader of `gunzip`, below
    try {
      for await (const chunk of gunzip) yield chunk as Buffer;
      await feeding;
    } catch (error) {
      if (error instanceof InputError) throw error;
      throw new InputError(name, `corrupt gzip: ${(error as Error).message}`, { cause: error });
    } finally {
      gunzip.destroy();
    }
  } finally {
    // Stopped early (a limit passed, a consumer gone): the file, pipe or S3 download is closed, not drained.
    await iterator.return?.();
  }
}

async function pull(name: string, iterator: AsyncIterator<Uint8Array>): Promise<Buffer | undefined> {
  let next: IteratorResult<Uint8Array>;
  try {
    next = await iterator.next();
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(name, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message ?? error}`, { cause: error });
  }
  if (next.done) return undefined;
  const chunk = next.value;
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

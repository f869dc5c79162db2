import { decodedChunks } from "./decodedChunks.ts";
import { type InputLine, jsonLines } from "./jsonLines.ts";
import { InputTooLargeError } from "./limitedRead.ts";
import type { ReadLimits } from "./readLimits.ts";

/** One thing to read: a file, standard input, an S3 object (declared here, beside what reads it, so the walk that makes sources imports this file and not the reverse). */
export interface InputSource {
  name: string;
  /**
   * Its bytes as stored (gzip or not), as a stream to be read through `readInput`, which bounds
   * what it holds. Rejects with an InputError when the input cannot be opened at all.
   */
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/**
 * What an input holds: one document read whole (a log file `{"Records":[...]}`, an EventBridge
 * event, a record; or JSON lines whose first line is longer than a record may be, which
 * parseLogText still splits), or JSON lines streamed in batches, so a file of them may be any size.
 */
export type InputContent = { format: "document"; text: string } | { format: "lines"; batches: AsyncIterable<InputLine[]> };

/** Names that declare JSON lines: read line by line whatever their first line holds. */
const JSON_LINES_FILE = /\.(jsonl|ndjson)(\.gz)?$/i;

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Reads an input within `limits`, the way parseLogText reads text: a file whose first non-blank
 * line is a JSON value on its own, with more after it, is JSON lines; any other file is one
 * document. That is decided within the first `maxRecordSize` bytes, so JSON lines stream from
 * the start; a document is held whole, and given up as soon as it passes `maxFileSize`, before
 * the rest is inflated.
 *
 * @throws InputTooLargeError (`decompressed size exceeds 256 MiB (--max-file-size); skipped`), or
 *   an InputError when the input cannot be read or its gzip is corrupt.
 */
export async function readInput(source: InputSource, limits: ReadLimits): Promise<InputContent> {
  const chunks = decodedChunks(source.name, await source.open());
  if (JSON_LINES_FILE.test(source.name)) return { format: "lines", batches: jsonLines([], chunks, limits.maxRecordSize, "--max-record-size") };
  const held: Buffer[] = [];
  let size = 0;
  let decided = false;
  try {
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      held.push(next.value);
      size += next.value.length;
      if (!decided) {
        const first = firstLine(held, limits.maxRecordSize);
        if (first === "lines") return { format: "lines", batches: jsonLines(held, chunks, limits.maxRecordSize, "--max-record-size") };
        decided = first === "document";
      }
      if (size > limits.maxFileSize) {
        throw new InputTooLargeError(source.name, limits.maxFileSize, { what: "decompressed size", option: "--max-file-size", outcome: "skipped" });
      }
    }
  } catch (error) {
    await chunks.return(undefined);
    throw error;
  }
  return { format: "document", text: Buffer.concat(held, size).toString("utf8") };
}

/**
 * `lines` when the first non-blank line ends within `maxLine` bytes, is a JSON value on its own,
 * and more than blanks follows it (a record and more: JSON lines); `document` when that cannot
 * be; undefined until the first `maxLine` bytes tell. A file that is one line and a newline
 * stays a document, read (and parsed) once, as one.
 */
function firstLine(held: readonly Buffer[], maxLine: number): "lines" | "document" | undefined {
  const bytes = held.length === 1 ? (held[0] as Buffer) : Buffer.concat(held);
  const undecided = bytes.length > maxLine ? "document" : undefined;
  const start = skipBlanks(bytes, 0);
  const end = bytes.indexOf(10, start);
  if (end === -1) return undecided;
  if (end > maxLine) return "document";
  if (skipBlanks(bytes, end + 1) === bytes.length) return undecided;
  try {
    JSON.parse(bytes.toString("utf8", start, end));
    return "lines";
  } catch {
    return "document";
  }
}

function skipBlanks(bytes: Buffer, from: number): number {
  let at = from;
  while (at < bytes.length && WHITESPACE.has(bytes[at] as number)) at++;
  return at;
}

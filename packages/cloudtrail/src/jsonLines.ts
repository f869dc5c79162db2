import { InputError } from "./errors.ts";
import { formatSize } from "./limitedRead.ts";

/** One line of JSON lines: its text, or why it was not read. Numbered from 1, blank lines counted. */
export type InputLine = { number: number; text: string } | { number: number; error: string };

/**
 * Splits decoded chunks into lines as they come, a batch per chunk (one await per chunk, not per
 * line). A line longer than `maxRecordSize` is reported and its bytes dropped as they pass, never
 * held. A read that fails midway ends the lines with one error saying where; the lines before it
 * stand. A file of blank lines alone is reported as empty.
 */
export async function* jsonLines(held: readonly Buffer[], rest: AsyncIterator<Buffer>, maxRecordSize: number, option: string): AsyncGenerator<InputLine[]> {
  const tooLong = `record exceeds ${formatSize(maxRecordSize)} (${option}); skipped`;
  let number = 1;
  let partial: Buffer[] = [];
  let partialSize = 0;
  /** The current line already passed the limit: its bytes are dropped until its end. */
  let overlong = false;
  /** Whether any line was said (read or reported): a file without one is reported as empty. */
  let said = false;

  const endLine = (piece: Buffer, batch: InputLine[]) => {
    if (overlong || partialSize + piece.length > maxRecordSize) {
      said = true;
      batch.push({ number, error: tooLong });
    } else {
      const text = partialSize === 0 ? piece.toString("utf8") : Buffer.concat([...partial, piece], partialSize + piece.length).toString("utf8");
      if (text.trim() !== "") {
        said = true;
        batch.push({ number, text });
      }
    }
    partial = [];
    partialSize = 0;
    overlong = false;
    number++;
  };

  const split = (chunk: Buffer): InputLine[] => {
    const batch: InputLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(10, start); end !== -1; end = chunk.indexOf(10, start)) {
      endLine(chunk.subarray(start, end), batch);
      start = end + 1;
    }
    const tail = chunk.subarray(start);
    if (overlong || partialSize + tail.length > maxRecordSize) {
      overlong = true;
      partial = [];
      partialSize = 0;
    } else if (tail.length > 0) {
      partial.push(tail);
      partialSize += tail.length;
    }
    return batch;
  };

  try {
    for (const chunk of held) {
      const batch = split(chunk);
      if (batch.length > 0) yield batch;
    }
    for (;;) {
      let next: IteratorResult<Buffer>;
      try {
        next = await rest.next();
      } catch (error) {
        yield [{ number, error: `${error instanceof InputError ? error.reason : String(error)}; the rest of the input is unread` }];
        return;
      }
      if (next.done) break;
      const batch = split(next.value);
      if (batch.length > 0) yield batch;
    }
  } finally {
    // A consumer that stops early closes the input, not leaves it open.
    await rest.return?.(undefined);
  }
  const last: InputLine[] = [];
  if (overlong || partialSize > 0) endLine(Buffer.alloc(0), last);
  if (!said) last.push({ number: 1, error: "empty input" });
  if (last.length > 0) yield last;
}

import { gzipSync } from "node:zlib";
import { type InputContent, InputError, type InputLine, type InputSource, InputTooLargeError, readInput, type ReadLimits } from "@vigil/cloudtrail";
import { describe, expect, it } from "vitest";

const LIMITS: ReadLimits = { maxFileSize: 64 * 1024, maxRecordSize: 1024 };
const RECORD = JSON.stringify({ eventVersion: "1.09", eventName: "CreateUser" });

/** A source serving `bytes` in chunks of `step` bytes, counting how many it was asked for. */
function source(name: string, bytes: Buffer, step = bytes.length || 1): InputSource & { pulled: () => number } {
  let pulled = 0;
  return {
    name,
    pulled: () => pulled,
    open: async () =>
      (async function* () {
        for (let at = 0; at < bytes.length; at += step) {
          pulled++;
          yield bytes.subarray(at, at + step);
        }
      })(),
  };
}

async function lines(content: InputContent): Promise<InputLine[]> {
  if (content.format !== "lines") throw new Error(`expected lines, got a ${content.format}`);
  const all: InputLine[] = [];
  for await (const batch of content.batches) all.push(...batch);
  return all;
}

describe("Function: readInput", () => {
  it("reads a document whole, gunzipped by its magic number even when it comes a byte at a time", async () => {
    const text = JSON.stringify({ Records: [JSON.parse(RECORD)] }, null, 2);
    expect(await readInput(source("a.json.gz", gzipSync(text), 1), LIMITS)).toEqual({ format: "document", text });
    expect(await readInput(source("a.json", Buffer.from(text), 3), LIMITS)).toEqual({ format: "document", text });
  });

  it("keeps a single line with its newline (as jq -c writes a log file) a document, and a record then more lines JSON lines", async () => {
    expect(await readInput(source("one.json", Buffer.from(`${RECORD}\n\n`)), LIMITS)).toEqual({ format: "document", text: `${RECORD}\n\n` });
    const read = await lines(await readInput(source("export.json", Buffer.from(`\n${RECORD}\n\n{oops\r\n${RECORD}`), 5), LIMITS));
    expect(read).toEqual([
      { number: 2, text: RECORD },
      { number: 4, text: "{oops\r" },
      { number: 5, text: RECORD },
    ]);
  });

  it("reads a .jsonl or .ndjson file line by line whatever its first line holds", async () => {
    const read = await lines(await readInput(source("events.ndjson.gz", gzipSync(`{oops\n${RECORD}\n`), 2), LIMITS));
    expect(read).toEqual([
      { number: 1, text: "{oops" },
      { number: 2, text: RECORD },
    ]);
    expect(await lines(await readInput(source("blank.jsonl", Buffer.from("\n \n")), LIMITS))).toEqual([{ number: 1, error: "empty input" }]);
  });

  it("reports a line past the record limit by number and drops it as it passes, whatever the chunks, and reads on", async () => {
    const long = JSON.stringify({ padding: "x".repeat(5000) });
    for (const step of [7, 1000, 1 << 20]) {
      const read = await lines(await readInput(source("events.jsonl", Buffer.from(`${RECORD}\n${long}\n${RECORD}\n${long}`), step), LIMITS));
      expect(read).toEqual([
        { number: 1, text: RECORD },
        { number: 2, error: "record exceeds 1 KiB (--max-record-size); skipped" },
        { number: 3, text: RECORD },
        { number: 4, error: "record exceeds 1 KiB (--max-record-size); skipped" },
      ]);
    }
  });

  it("streams JSON lines far past the file limit", async () => {
    const body = Buffer.from(`${Array.from({ length: 6000 }, () => RECORD).join("\n")}\n`);
    expect(body.length).toBeGreaterThan(4 * LIMITS.maxFileSize);
    const read = await lines(await readInput(source("export.json.gz", gzipSync(body), 4096), LIMITS));
    expect(read).toHaveLength(6000);
    expect(read.at(-1)).toEqual({ number: 6000, text: RECORD });
  });

  it("ends JSON lines whose gzip breaks midway with one error saying so; the lines before it stand", async () => {
    const zipped = gzipSync(Array.from({ length: 2000 }, () => RECORD).join("\n"));
    const read = await lines(await readInput(source("cut.jsonl.gz", zipped.subarray(0, zipped.length - 40), 512), LIMITS));
    expect(read.slice(0, -1).every((line) => "text" in line && line.text === RECORD)).toBe(true);
    expect(read.at(-1)).toMatchObject({ error: expect.stringMatching(/^corrupt gzip: .*; the rest of the input is unread$/) });
  });

  it("gives up a document past the file limit before the rest is read or inflated", async () => {
    const zipped = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = source("bomb.json.gz", zipped, 1024);
    const refused = readInput(bomb, LIMITS);
    await expect(refused).rejects.toThrow(InputTooLargeError);
    await expect(refused).rejects.toThrow("bomb.json.gz: decompressed size exceeds 64 KiB (--max-file-size); skipped");
    // Streams read a little ahead (a few KB of their buffers), and no more: most of it is never read.
    expect(bomb.pulled()).toBeLessThan(zipped.length / 1024 / 2);
  });

  it("reports a gzip that is corrupt from the start, and an input that cannot be opened, as InputErrors naming them", async () => {
    await expect(readInput(source("broken.json.gz", Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02])), LIMITS)).rejects.toThrow(/^broken\.json\.gz: corrupt gzip: /);
    const unreadable: InputSource = { name: "gone.json", open: () => Promise.reject(new InputError("gone.json", "cannot read: EACCES")) };
    await expect(readInput(unreadable, LIMITS)).rejects.toThrow("gone.json: cannot read: EACCES");
  });
});

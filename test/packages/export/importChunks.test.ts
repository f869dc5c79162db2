import { describe, expect, it } from "vitest";
import { IMPORT_LIMITS, importChunks } from "../../../packages/export/src/securityhub/importChunks.ts";

const sized = (sizes: number[]) => sizes.map((bytes, item) => ({ item, bytes }));
// The JSON around a request's findings: {"Findings":[...]}.
const ENVELOPE = 15;

describe("importChunks", () => {
  it("keeps each request within the findings per request", () => {
    expect(importChunks(sized(Array(250).fill(10)), { maxItems: 100, maxBytes: 1e9 }).map((chunk) => chunk.length)).toEqual([100, 100, 50]);
  });

  it("keeps each request's body within the bytes per request, commas and envelope counted", () => {
    // Three 100-byte findings take 300 + 2 commas + the envelope: one byte less and the third goes on.
    expect(importChunks(sized([100, 100, 100, 100]), { maxItems: 100, maxBytes: 302 + ENVELOPE })).toEqual([[0, 1, 2], [3]]);
    expect(importChunks(sized([100, 100, 100, 100]), { maxItems: 100, maxBytes: 301 + ENVELOPE })).toEqual([[0, 1], [2, 3]]);
  });

  it("closes a request at whichever limit comes first, keeping the order", () => {
    expect(importChunks(sized([5, 500, 5, 5, 5, 5, 500]), { maxItems: 3, maxBytes: 5 + 500 + 1 + ENVELOPE })).toEqual([
      [0, 1],
      [2, 3, 4],
      [5, 6],
    ]);
  });

  it("fits the largest findings Security Hub takes into a request: 6 MB holds 24 of 240 KB with the JSON around them", () => {
    const chunks = importChunks(sized(Array(100).fill(IMPORT_LIMITS.findingBytes)), { maxItems: IMPORT_LIMITS.findings, maxBytes: IMPORT_LIMITS.requestBytes });
    expect(chunks.map((chunk) => chunk.length)).toEqual([24, 24, 24, 24, 4]);
  });
});

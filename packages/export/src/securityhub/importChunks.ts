import { ASFF_LIMITS } from "@vigil/core";

/** BatchImportFindings' limits: findings per request, bytes per finding, bytes per request (decimal, to stay under either reading of KB and MB). */
export const IMPORT_LIMITS = { findings: ASFF_LIMITS.batch, findingBytes: 240_000, requestBytes: 6_000_000 } as const;

// `{"Findings":[` and `]}` around the findings, which a comma separates.
const ENVELOPE_BYTES = '{"Findings":[]}'.length;

/**
 * Splits items, in order, into requests of at most `maxItems` whose serialized sizes (plus the JSON
 * around them) stay within `maxBytes`. An item bigger than a request on its own is the caller's to
 * refuse before; here it would get a request of its own.
 */
export function importChunks<T>(items: readonly { item: T; bytes: number }[], limits: { maxItems: number; maxBytes: number }): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const { item, bytes: size } of items) {
    const added = size + (chunk.length > 0 ? 1 : 0);
    if (chunk.length > 0 && (chunk.length >= limits.maxItems || bytes + added > limits.maxBytes)) {
      chunks.push(chunk);
      chunk = [];
      bytes = ENVELOPE_BYTES;
    }
    bytes += size + (chunk.length > 0 ? 1 : 0);
    chunk.push(item);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

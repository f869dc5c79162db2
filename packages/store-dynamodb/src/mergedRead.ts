import type { FindingItem } from "./findingItem.ts";
import { KEY_ATTRIBUTES } from "./tableDefinition.ts";

const TIME = KEY_ATTRIBUTES.time;

/** What one Query of a partition returned: the matching items, where it stopped, and how many index entries it read. */
export interface PartitionRead {
  items: FindingItem[];
  /** Absent once the partition (within the key range) is read to its end. */
  lastKey: Record<string, unknown> | undefined;
  /** Entries read before the filter (DynamoDB's ScannedCount): what the read cost. */
  scanned: number;
}

export type ReadPartition<P> = (partition: P, startKey: Record<string, unknown> | undefined, limit: number) => Promise<PartitionRead>;

export interface MergedRead {
  /** Newest first, without repeats: every matching item with a sort key at or above `resumeBelow` (all of them when it is absent). */
  items: FindingItem[];
  /** The sort key everything at or above which has been read in every partition; absent when every partition was read to its end. */
  resumeBelow?: string;
}

interface Stream<P> {
  partition: P;
  items: FindingItem[];
  startKey: Record<string, unknown> | undefined;
  started: boolean;
  ended: boolean;
  /** Sort key of the last entry read: the partition is read down to it. */
  frontier: string | undefined;
  lastLimit: number;
  scanned: number;
}

/** How much larger than the last read the next one of a partition may be. */
const MAX_GROWTH = 16;

/**
 * Reads several partitions newest first and merges them, until the `wanted` newest matching items
 * are known, every partition has ended, or `budget` index entries have been read. Filters may drop
 * most of what a Query reads, so a partition that still may hold one of the `wanted` newest is read
 * again, with a Limit sized by the share of its entries the filters have let through so far. The
 * first round gives each partition twice an even share of `wanted`. Every Limit is at least 2, so
 * that a read resumed at a cursor (whose first entry may be the cursor's own item) always moves on.
 */
export async function readMerged<P>(partitions: readonly P[], wanted: number, budget: number, read: ReadPartition<P>): Promise<MergedRead> {
  const streams: Stream<P>[] = partitions.map((partition) => ({ partition, items: [], startKey: undefined, started: false, ended: false, frontier: undefined, lastLimit: 0, scanned: 0 }));
  let spent = 0;
  for (;;) {
    const merged = mergeItems(streams);
    const threshold = merged.length >= wanted ? (merged[wanted - 1] as FindingItem)[TIME] : undefined;
    // A partition read down past the wanted-th newest item cannot hold a newer one.
    const active = streams.filter((stream) => !stream.ended && (threshold === undefined || stream.frontier === undefined || stream.frontier > threshold));
    const remaining = budget - spent;
    if (active.length === 0 || remaining <= 0) break;
    const share = Math.max(2, Math.floor(remaining / active.length));
    // Twice an even share of the page (all of it for one or two partitions): uneven partitions rarely need a second round.
    const firstShare = Math.min(wanted, Math.ceil((2 * wanted) / streams.length) + 1);
    const results = await Promise.all(
      active.map((stream) => {
        const limit = Math.max(2, Math.min(share, stream.started ? nextLimit(stream, wanted - merged.length) : firstShare));
        stream.lastLimit = limit;
        return read(stream.partition, stream.startKey, limit);
      }),
    );
    results.forEach((result, index) => {
      const stream = active[index] as Stream<P>;
      stream.started = true;
      stream.items.push(...result.items);
      stream.startKey = result.lastKey;
      stream.ended = result.lastKey === undefined;
      stream.frontier = result.lastKey?.[TIME] as string | undefined;
      stream.scanned += result.scanned;
      spent += result.scanned;
    });
  }
  const frontiers = streams.filter((stream) => !stream.ended).map((stream) => stream.frontier as string);
  const resumeBelow = frontiers.length === 0 ? undefined : frontiers.reduce((highest, key) => (key > highest ? key : highest));
  const merged = mergeItems(streams);
  return { items: resumeBelow === undefined ? merged : merged.filter((item) => item[TIME] >= resumeBelow), ...(resumeBelow === undefined ? {} : { resumeBelow }) };
}

/**
 * Enough entries to find the `missing` items at the rate the partition's filter has let them
 * through so far (a quarter more, for luck), from once to MAX_GROWTH times the last read.
 */
function nextLimit<P>(stream: Stream<P>, missing: number): number {
  const most = stream.lastLimit * MAX_GROWTH;
  if (stream.items.length === 0) return most;
  const passRate = stream.items.length / stream.scanned;
  return Math.min(most, Math.max(stream.lastLimit, Math.ceil((1.25 * Math.max(1, missing)) / passRate)));
}

/**
 * Every stream's items, newest first. The same finding can come from two partitions of one read
 * when its status changes in between (or while a GSI is catching up); its sort key is the same in
 * both, so one copy is kept.
 */
function mergeItems<P>(streams: readonly Stream<P>[]): FindingItem[] {
  const sorted = streams.flatMap((stream) => stream.items).sort((a, b) => (a[TIME] < b[TIME] ? 1 : a[TIME] > b[TIME] ? -1 : 0));
  return sorted.filter((item, index) => index === 0 || item[TIME] !== (sorted[index - 1] as FindingItem)[TIME]);
}

/**
 * `count` distinct items drawn with `random` (a partial Fisher-Yates shuffle), in their original
 * order. Random rather than the first few, so repeated runs look at different accounts; injected
 * so tests draw the same ones every time.
 */
export function sampleOf<T>(items: readonly T[], count: number, random: () => number): T[] {
  const pool = items.map((item, index) => ({ item, index }));
  const take = Math.min(count, pool.length);
  for (let i = 0; i < take; i++) {
    const j = i + Math.floor(random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool
    .slice(0, take)
    .sort((a, b) => a.index - b.index)
    .map(({ item }) => item);
}

import { MemoryWindowStore } from "@vigil/core";
import { describe, expect, it } from "vitest";

const MINUTE = 60_000;

describe("MemoryWindowStore", () => {
  it("fires when the threshold is reached inside the window, and not for events that aged out", async () => {
    const store = new MemoryWindowStore();
    expect(await store.record("k", "a", 0, 10 * MINUTE, 3)).toBeUndefined();
    expect(await store.record("k", "b", 11 * MINUTE, 10 * MINUTE, 3)).toBeUndefined();
    expect(await store.record("k", "c", 12 * MINUTE, 10 * MINUTE, 3)).toBeUndefined();
    expect(await store.record("k", "d", 13 * MINUTE, 10 * MINUTE, 3)).toEqual(["b", "c", "d"]);
  });

  it("does not count a redelivered event twice", async () => {
    const store = new MemoryWindowStore();
    await store.record("k", "a", 0, MINUTE, 2);
    expect(await store.record("k", "a", 1, MINUTE, 2)).toBeUndefined();
  });

  it("forgets windows that aged out, so a long scan does not keep one per principal ever seen", async () => {
    const store = new MemoryWindowStore();
    for (let i = 0; i < 50_000; i++) await store.record(`user-${i}`, `e-${i}`, i * 1000, 5 * MINUTE, 10);
    // Only the last five minutes' keys (300 at one a second) may still be open, plus those since the last sweep.
    expect(store.size).toBeLessThan(10_000 + 300);
    expect(store.size).toBeGreaterThan(0);
  });

  it("keeps a window that is still open across a sweep", async () => {
    const store = new MemoryWindowStore();
    await store.record("slow", "s1", 0, 60 * MINUTE, 2);
    for (let i = 0; i < 20_000; i++) await store.record(`noise-${i}`, `n-${i}`, i, MINUTE, 100);
    expect(await store.record("slow", "s2", 30 * MINUTE, 60 * MINUTE, 2)).toEqual(["s1", "s2"]);
  });
});

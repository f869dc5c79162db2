import { startProgress } from "@vigil/cli/src/output/progress.ts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
}

describe("Function: startProgress", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("says nothing during the first second, then files, events and events/s, and clears its line at the end", () => {
    const { writes, stream: tty } = stream(true);
    const stats = { files: 3, filesSkipped: 0, events: 0, skipped: 0, findings: 0, ignored: 0 };
    let now = 0;
    const stop = startProgress(stats, tty, () => now);
    now = 750;
    vi.advanceTimersByTime(750);
    expect(writes).toEqual([]);
    stats.events = 250_000;
    now = 2_000;
    vi.advanceTimersByTime(250);
    expect(writes.at(-1)).toBe("\r\u001b[2Kscanning: 3 files, 250,000 events, 125,000 events/s");
    stop();
    expect(writes.at(-1)).toBe("\r\u001b[2K");
  });

  it("never writes when stderr is not a terminal", () => {
    const { writes, stream: pipe } = stream(false);
    const stop = startProgress({ files: 1, filesSkipped: 0, events: 10, skipped: 0, findings: 0, ignored: 0 }, pipe, () => 5_000);
    vi.advanceTimersByTime(5_000);
    stop();
    expect(writes).toEqual([]);
  });
});

import { startS3Progress } from "@vigil/cli/src/scan/s3Progress.ts";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, write: (text: string) => writes.push(text) } as unknown as NodeJS.WriteStream };
}

describe("Function: startS3Progress", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("after a second, says objects done of those listed, day folders listed of all, megabytes and events, summed over the buckets", () => {
    const { writes, stream: tty } = stream(true);
    const stats = { files: 40, filesSkipped: 2, events: 0, skipped: 0, findings: 0, ignored: 0 };
    const archives = [
      { listedDayFolders: 3, dayFolders: 10, listedObjects: 50, bytesRead: 12_000_000 },
      { listedDayFolders: 1, dayFolders: 4, listedObjects: 7, bytesRead: 500_000 },
    ];
    let now = 0;
    const stop = startS3Progress(stats, archives, tty, () => now);
    vi.advanceTimersByTime(750);
    expect(writes).toEqual([]);
    stats.events = 90_000;
    now = 3_000;
    vi.advanceTimersByTime(250);
    expect(writes.at(-1)).toBe("\r\u001b[2Kscanning S3: 42/57 objects (4/14 day folders listed), 12.5 MB, 90,000 events, 30,000 events/s");
    stop();
    expect(writes.at(-1)).toBe("\r\u001b[2K");
  });

  it("never writes when stderr is not a terminal", () => {
    const { writes, stream: pipe } = stream(false);
    const stop = startS3Progress({ files: 1, filesSkipped: 0, events: 10, skipped: 0, findings: 0, ignored: 0 }, [], pipe, () => 5_000);
    vi.advanceTimersByTime(5_000);
    stop();
    expect(writes).toEqual([]);
  });
});

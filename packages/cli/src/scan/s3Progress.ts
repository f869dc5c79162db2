import type { S3ArchiveProgress } from "@vigil/cloudtrail/s3";
import type { ScanStats } from "@vigil/monitor";

/**
 * The progress line of a scan that reads S3, on stderr when it is a terminal: objects done of
 * those listed so far (listing runs a day folder ahead of reading, so the total grows until the
 * last folder is listed), the day folders listed of all to list, bytes downloaded, events and
 * their rate. Silent for the first second, like the file scan's line.
 */
export function startS3Progress(
  stats: Readonly<ScanStats>,
  archives: readonly S3ArchiveProgress[],
  stream: NodeJS.WriteStream,
  now: () => number = Date.now,
): () => void {
  if (!stream.isTTY) return () => {};
  const started = now();
  let shown = false;
  const timer = setInterval(() => {
    const seconds = (now() - started) / 1000;
    if (seconds < 1) return;
    shown = true;
    stream.write(`\r\u001b[2K${s3ProgressLine(stats, archives, seconds)}`);
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) stream.write("\r\u001b[2K");
  };
}

export function s3ProgressLine(stats: Readonly<ScanStats>, archives: readonly S3ArchiveProgress[], seconds: number): string {
  const sum = (key: keyof S3ArchiveProgress) => archives.reduce((total, archive) => total + archive[key], 0);
  const n = (value: number) => value.toLocaleString("en-US");
  const done = stats.files + stats.filesSkipped;
  return (
    `scanning S3: ${n(done)}/${n(sum("listedObjects"))} objects (${n(sum("listedDayFolders"))}/${n(sum("dayFolders"))} day folders listed), ` +
    `${(sum("bytesRead") / 1e6).toFixed(1)} MB, ${n(stats.events)} events, ${n(Math.round(stats.events / seconds))} events/s`
  );
}

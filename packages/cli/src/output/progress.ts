import type { ScanStats } from "@vigil/monitor";

/**
 * A one-line progress report on stderr for long scans on a terminal: silent for the first
 * second (short scans stay clean) and never written when stderr is not a TTY.
 */
export function startProgress(stats: ScanStats, stream: NodeJS.WriteStream, now: () => number = Date.now): () => void {
  if (!stream.isTTY) return () => {};
  const started = now();
  let shown = false;
  const timer = setInterval(() => {
    const seconds = (now() - started) / 1000;
    if (seconds < 1) return;
    shown = true;
    const rate = Math.round(stats.events / seconds);
    stream.write(`\r\u001b[2Kscanning: ${stats.files} files, ${stats.events.toLocaleString("en-US")} events, ${rate.toLocaleString("en-US")} events/s`);
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    if (shown) stream.write("\r\u001b[2K");
  };
}

import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";

export interface ChildMeasurement {
  /** From spawn to exit, in seconds: startup included, as a user would time the command. */
  wallSeconds: number;
  /** The highest resident set seen (VmHWM, polled from /proc), in bytes; 0 where /proc is unavailable. */
  peakRssBytes: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdoutBytes: number;
  /** Standard output when `keepStdout`, else empty: a counting sink keeps nothing. */
  stdout: string;
  /** The last 16 KB of standard error, for summaries and diagnostics. */
  stderrTail: string;
}

const POLL_MS = 50;
const STDERR_TAIL = 16 * 1024;

/**
 * Runs a command to completion, timing it and polling its peak RSS from /proc/<pid>/status every
 * 50 ms. VmHWM is the kernel's own high-water mark, so a peak between polls is still counted;
 * only growth in the last few milliseconds before exit can be missed.
 */
export function measureChild(
  command: string,
  args: readonly string[],
  options: { cwd: string; keepStdout?: boolean; env?: NodeJS.ProcessEnv },
): Promise<ChildMeasurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"], ...(options.env ? { env: options.env } : {}) });
    let peakKb = 0;
    let wallSeconds = 0;
    let stdoutBytes = 0;
    const stdout: Buffer[] = [];
    let stderr = "";
    const poll = () => {
      if (child.pid === undefined) return;
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
        const kb = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0);
        if (kb > peakKb) peakKb = kb;
      } catch {
        // Gone (or no /proc): the last reading stands.
      }
    };
    const timer = setInterval(poll, POLL_MS);
    child.stdout.on("data", (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (options.keepStdout) stdout.push(chunk);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_TAIL);
    });
    child.on("error", (error) => {
      clearInterval(timer);
      reject(error);
    });
    child.on("exit", () => {
      wallSeconds = (performance.now() - started) / 1000;
      clearInterval(timer);
    });
    child.on("close", (exitCode, signal) => {
      clearInterval(timer);
      resolve({
        wallSeconds,
        peakRssBytes: peakKb * 1024,
        exitCode,
        signal,
        stdoutBytes,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderrTail: stderr,
      });
    });
  });
}

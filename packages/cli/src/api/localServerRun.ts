import type { ApiLogger } from "@vigil/api";
import { printable, printableLines } from "@vigil/core";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";

/** What `vigil serve` and `vigil console` share around their server: the port they are given, where errors go, when to stop. */

/** Where `vigil serve` and `vigil console` listen unless told otherwise. */
export const DEFAULT_PORT = 8740;

/** `--port`: 0 to 65535, 0 picking a free one. */
export function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) throw new UsageError(`--port: expected a port number from 0 to 65535, got "${text}"`);
  return port;
}

/** A request that failed outside the router, on one line of stderr with its request id. */
export function stderrLogger(io: Io): ApiLogger {
  return { error: (message, attributes) => io.stderr.write(`${message} (request ${printable(String(attributes.requestId))}): ${printableLines(describe(attributes.error))}\n`) };
}

/** Resolves on the first Ctrl-C (or SIGTERM), leaving no listener behind. */
export function untilStopped(signals: NodeJS.EventEmitter): Promise<void> {
  return new Promise<void>((stop) => {
    const onSignal = () => {
      signals.off("SIGINT", onSignal);
      signals.off("SIGTERM", onSignal);
      stop();
    };
    signals.on("SIGINT", onSignal);
    signals.on("SIGTERM", onSignal);
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

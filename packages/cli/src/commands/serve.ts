import { parseArgs } from "node:util";
import { type ApiLogger, createRouter } from "@vigil/api";
import { catalogue, postureChecks, printable, printableLines } from "@vigil/core";
import { localActor } from "../api/localActor.ts";
import { LOOPBACK, type RunningApiServer, startApiServer } from "../api/startApiServer.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { loadConfig } from "../loadConfig.ts";
import { DEFAULT_STORE_DIR, openStore } from "../openStore.ts";

export const DEFAULT_PORT = 8740;

export const SERVE_USAGE = `Usage: vigil serve [--port N] [--store DIR] [--config FILE]

Serves the findings API (the same routes as the deployed API: /findings, /findings/{id}, /rules,
/summary, /openapi.json) over the embedded store, on ${LOOPBACK} only. It authenticates no one:
every triage action is recorded as the local user. Ctrl-C stops it.

Options:
  --port N        the port (default: ${DEFAULT_PORT}; 0 picks a free one)
  --store DIR     the store to serve (default: ${DEFAULT_STORE_DIR})
  --config FILE   JSON configuration, for /rules and /summary
  --host HOST     only ${LOOPBACK} or localhost: the local API is never exposed to the network
`;

const LOOPBACK_NAMES = new Set([LOOPBACK, "localhost"]);

export async function serveCommand(argv: string[], io: Io, signals: NodeJS.EventEmitter = process): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: String(DEFAULT_PORT) },
      store: { type: "string", default: DEFAULT_STORE_DIR },
      config: { type: "string" },
      host: { type: "string", default: LOOPBACK },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(SERVE_USAGE);
    return 0;
  }
  if (!LOOPBACK_NAMES.has(values.host)) {
    throw new UsageError(`--host: the local API has no authentication and listens on ${LOOPBACK} only, got "${values.host}" (deploy the API for remote access)`);
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535) throw new UsageError(`--port: expected a port number from 0 to 65535, got "${values.port}"`);
  if (values.store === "memory") throw new UsageError("--store memory holds nothing to serve; give the directory a scan wrote to");

  const config = await loadConfig(values.config, catalogue);
  const opened = await openStore(values.store);
  const actor = localActor();
  let server: RunningApiServer;
  try {
    const logger: ApiLogger = { error: (message, attributes) => io.stderr.write(`${message} (request ${printable(String(attributes.requestId))}): ${printableLines(describe(attributes.error))}\n`) };
    const router = createRouter({ store: opened.store, rules: { catalogue, checks: postureChecks, config }, logger });
    server = await startApiServer({ router, port, actor, logger });
  } catch (error) {
    await opened.close();
    throw error;
  }
  io.stdout.write(`Vigil API on ${server.url} (store ${opened.location}, acting as ${actor}); Ctrl-C to stop\n`);

  // Resolves on the first Ctrl-C (or SIGTERM): the server stops, then the store is closed cleanly.
  await new Promise<void>((stop) => {
    const onSignal = () => {
      signals.off("SIGINT", onSignal);
      signals.off("SIGTERM", onSignal);
      stop();
    };
    signals.on("SIGINT", onSignal);
    signals.on("SIGTERM", onSignal);
  });
  try {
    await server.close();
  } finally {
    await opened.close();
  }
  io.stdout.write("Stopped; the store is closed.\n");
  return 0;
}

function describe(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

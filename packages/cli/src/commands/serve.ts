import { parseArgs } from "node:util";
import { createRouter } from "@vigil/api";
import { catalogue, postureChecks } from "@vigil/core";
import { localActor } from "../api/localActor.ts";
import { DEFAULT_PORT, parsePort, stderrLogger, untilStopped } from "../api/localServerRun.ts";
import { LOOPBACK } from "../api/loopbackServer.ts";
import { type RunningApiServer, startApiServer } from "../api/startApiServer.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { loadConfig } from "../loadConfig.ts";
import { DEFAULT_STORE_DIR, openStore } from "../openStore.ts";

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
  const port = parsePort(values.port);
  if (values.store === "memory") throw new UsageError("--store memory holds nothing to serve; give the directory a scan wrote to");

  const config = await loadConfig(values.config, catalogue);
  const opened = await openStore(values.store);
  const actor = localActor();
  let server: RunningApiServer;
  try {
    const logger = stderrLogger(io);
    const router = createRouter({ store: opened.store, rules: { catalogue, checks: postureChecks, config }, logger });
    server = await startApiServer({ router, port, actor, logger });
  } catch (error) {
    await opened.close();
    throw error;
  }
  io.stdout.write(`Vigil API on ${server.url} (store ${opened.location}, acting as ${actor}); Ctrl-C to stop\n`);

  // On the first Ctrl-C (or SIGTERM) the server stops, then the store is closed cleanly.
  await untilStopped(signals);
  try {
    await server.close();
  } finally {
    await opened.close();
  }
  io.stdout.write("Stopped; the store is closed.\n");
  return 0;
}

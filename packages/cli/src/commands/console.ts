import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import { createRouter } from "@vigil/api";
import { catalogue, postureChecks } from "@vigil/core";
import { localActor } from "../api/localActor.ts";
import { DEFAULT_PORT, parsePort, stderrLogger, untilStopped } from "../api/localServerRun.ts";
import { LOOPBACK } from "../api/loopbackServer.ts";
import { localBackend, remoteBackend } from "../console/backends.ts";
import { type ConsoleBackend, type RunningConsoleServer, startConsoleServer } from "../console/startConsoleServer.ts";
import { UsageError } from "../errors.ts";
import type { Io } from "../Io.ts";
import { loadConfig } from "../loadConfig.ts";
import { DEFAULT_STORE_DIR, openStore } from "../openStore.ts";

export const CONSOLE_USAGE = `Usage: vigil console [--port N] [--api URL [--region REGION]] [--store DIR] [--config FILE] [--open]

Serves the triage console (overview, findings, a finding's triage, rules) and the findings API it
reads, on ${LOOPBACK} only, and prints the URL to open. The URL carries a secret made for this run;
the first load trades it for a cookie, and no other web page or local user can use the server.

Without --api, the console reads the embedded store, as vigil serve does, every change made as
the local user. With --api, it reads a deployed monitor: each request of the page goes to the
deployed findings API signed with your AWS credentials (SigV4), so nothing new is hosted in the
account. Ctrl-C stops it.

Options:
  --port N        the port (default: ${DEFAULT_PORT}; 0 picks a free one)
  --api URL       the deployed findings API's base URL (the stack output ApiUrl)
  --region R      the API's region, when its URL does not say it (else AWS_REGION)
  --store DIR     without --api: the store to serve (default: ${DEFAULT_STORE_DIR})
  --config FILE   without --api: JSON configuration, for the rules page and the summary
  --open          open the URL in the system's browser
`;

export interface ConsoleCommandOptions {
  signals?: NodeJS.EventEmitter;
  env?: NodeJS.ProcessEnv;
  /** Opens the URL; the system's browser by default. */
  openUrl?: (url: string) => void;
}

export async function consoleCommand(argv: string[], io: Io, options: ConsoleCommandOptions = {}): Promise<number> {
  const signals = options.signals ?? process;
  const env = options.env ?? process.env;
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: String(DEFAULT_PORT) },
      api: { type: "string" },
      region: { type: "string" },
      store: { type: "string", default: DEFAULT_STORE_DIR },
      config: { type: "string" },
      open: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    io.stdout.write(CONSOLE_USAGE);
    return 0;
  }
  const port = parsePort(values.port);
  if (values.api === undefined && values.region !== undefined) throw new UsageError("--region goes with --api");
  if (values.api !== undefined && values.config !== undefined) throw new UsageError("--config goes without --api: the deployed API reads its own configuration");
  if (values.api === undefined && values.store === "memory") throw new UsageError("--store memory holds nothing to serve; give the directory a scan wrote to");

  const assetsDir = await consoleAssets(env);
  const logger = stderrLogger(io);
  let backend: ConsoleBackend;
  let where: string;
  let closeBackend = async () => {};
  if (values.api !== undefined) {
    const remote = remoteBackend({ url: values.api, ...(values.region ? { region: values.region } : {}), env });
    backend = remote;
    where = `the API at ${remote.location}, signed with your AWS credentials`;
  } else {
    const config = await loadConfig(values.config, catalogue);
    const opened = await openStore(values.store);
    const actor = localActor();
    backend = localBackend(createRouter({ store: opened.store, rules: { catalogue, checks: postureChecks, config }, logger }), actor);
    where = `store ${opened.location}, acting as ${actor}`;
    closeBackend = () => opened.close();
  }

  let server: RunningConsoleServer;
  try {
    server = await startConsoleServer({ backend, assetsDir, port, logger });
  } catch (error) {
    await closeBackend();
    throw error;
  }
  io.stdout.write(`Vigil console on ${server.url}\n(${where}); Ctrl-C to stop\n`);
  if (values.open) (options.openUrl ?? openInBrowser)(server.url);

  await untilStopped(signals);
  try {
    await server.close();
  } finally {
    await closeBackend();
  }
  io.stdout.write("Stopped.\n");
  return 0;
}

/** The built page: VIGIL_CONSOLE_ASSETS when set, else the console package's dist/, built there first when missing (a checkout before its build step). */
async function consoleAssets(env: NodeJS.ProcessEnv): Promise<string> {
  const { CONSOLE_DIST, buildConsole, isBuilt } = await import("@vigil/console");
  const dir = env.VIGIL_CONSOLE_ASSETS || CONSOLE_DIST;
  if (isBuilt(dir)) return dir;
  if (env.VIGIL_CONSOLE_ASSETS) throw new UsageError(`VIGIL_CONSOLE_ASSETS: no built console in ${dir} (index.html and assets/console.js)`);
  await buildConsole(dir);
  return dir;
}

/** The system's way to open a URL; the URL is an argument, never shell text. */
function openInBrowser(url: string): void {
  const [command, args] = process.platform === "darwin" ? ["open", [url]] : process.platform === "win32" ? ["cmd", ["/c", "start", '""', url.replace(/&/g, "^&")]] : ["xdg-open", [url]];
  try {
    const child = spawn(command as string, args as string[], { stdio: "ignore", detached: true });
    child.on("error", () => {});
    child.unref();
  } catch {
    // No browser to open: the printed URL is there.
  }
}

import { request as httpRequest } from "node:http";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { buildConsole } from "@vigil/console";
import type { FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { tempDir } from "../../helpers/cli.ts";
import { routerFor } from "../api/routerHarness.ts";
import { freshStore } from "../store-dynamodb/findingFactory.ts";
import { localBackend } from "@vigil/cli/src/console/backends.ts";
import { type ConsoleBackend, type RunningConsoleServer, startConsoleServer } from "@vigil/cli/src/console/startConsoleServer.ts";

export const LOCAL_ACTOR = "local:console-tester";

let built: Promise<string> | undefined;

/** The console's assets, built once per test file into a temporary directory (esbuild: well under a second). */
export function builtConsole(): Promise<string> {
  built ??= (async () => {
    const dir = join(tempDir("vigil-console-"), "dist");
    await buildConsole(dir);
    return dir;
  })();
  return built;
}

export interface SeededConsole {
  server: RunningConsoleServer;
  store: FindingStore;
  close(): Promise<void>;
}

/** The console over a fresh embedded store holding `findings` (each with the CloudTrail records `sourceEvents` gives it), served in this process. */
export async function startSeededConsole(
  findings: readonly Finding[],
  options: { dynalite?: RunningDynalite; backend?: ConsoleBackend; sourceEvents?: (finding: Finding) => readonly unknown[] } = {},
): Promise<SeededConsole> {
  const dynalite = options.dynalite ?? (await startDynalite());
  const store = await freshStore(dynalite);
  const put = options.sourceEvents ? { sourceEvents: options.sourceEvents } : {};
  for (let at = 0; at < findings.length; at += 25) await store.writer.putFindings(findings.slice(at, at + 25), put);
  const server = await startConsoleServer({ backend: options.backend ?? localBackend(routerFor(store), LOCAL_ACTOR), assetsDir: await builtConsole(), port: 0 });
  return {
    server,
    store,
    close: async () => {
      await server.close();
      if (!options.dynalite) await dynalite.close();
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A request with the headers a test chooses (fetch will not set Host, Origin or Sec-Fetch-*). */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    request.on("error", reject);
    request.end(options.body);
  });
}

/** The cookie a first load with the token sets, as a Cookie header value. */
export async function sessionCookie(server: RunningConsoleServer): Promise<string> {
  const response = await rawRequest(server.url);
  const setCookie = response.headers["set-cookie"]?.[0];
  if (!setCookie) throw new Error(`no cookie: ${response.status} ${response.body}`);
  return setCookie.split(";")[0]!;
}

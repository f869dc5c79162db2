import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ApiLogger } from "@vigil/api";

/** The only address the local servers listen on: they hold the store (and the console the caller's credentials), so nothing else may reach them. */
export const LOOPBACK = "127.0.0.1";

export interface LoopbackServerOptions {
  /** 0 picks a free port. */
  port: number;
  /** Answers one request; `requestId` names it in answers and logs. */
  handle(incoming: IncomingMessage, outgoing: ServerResponse, requestId: string): Promise<void>;
  /** Answers a request whose handling threw, when no header is out yet. */
  internalError(outgoing: ServerResponse, requestId: string): void;
  /** Told of a request that threw. */
  logger?: ApiLogger;
}

export interface RunningLoopbackServer {
  /** The port it got. */
  port: number;
  /** Stops accepting, ends open connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/**
 * A node:http server on 127.0.0.1 only. No request may end the process: whatever `handle` throws is
 * logged and answered with `internalError`, or its socket closed once headers are out.
 */
export async function startLoopbackServer(options: LoopbackServerOptions): Promise<RunningLoopbackServer> {
  const server = createServer((incoming, outgoing) => {
    const requestId = randomUUID();
    options.handle(incoming, outgoing, requestId).catch((error: unknown) => {
      try {
        options.logger?.error("Internal error", { requestId, method: incoming.method, error });
        if (outgoing.headersSent) outgoing.destroy();
        else options.internalError(outgoing, requestId);
      } catch {
        outgoing.destroy();
      }
    });
  });
  await new Promise<void>((done, fail) => {
    server.once("error", fail);
    server.listen(options.port, LOOPBACK, () => {
      server.off("error", fail);
      done();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((done, fail) => {
        server.close((error) => (error ? fail(error) : done()));
        server.closeAllConnections();
      }),
  };
}

import type { IncomingMessage, ServerResponse } from "node:http";
import { type ApiLogger, type ApiRequest, MAX_BODY_BYTES, type Router } from "@vigil/api";
import { headersOf, loopbackHosts, queryOf, readBody } from "./httpRequest.ts";
import { LOOPBACK, startLoopbackServer } from "./loopbackServer.ts";

export interface ApiServerOptions {
  router: Router;
  /** 0 picks a free port. */
  port: number;
  /** Every request is made as this caller (the local user). */
  actor: string;
  /** Told of a request that failed outside the router; the server answers 500 and goes on. */
  logger?: ApiLogger;
}

export interface RunningApiServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stops accepting, ends open connections and resolves when the server is closed. */
  close(): Promise<void>;
}

/**
 * The router behind node:http on 127.0.0.1. Requests whose Host is not this address (or
 * localhost) on this port are refused, so that a web page cannot reach the API through a DNS
 * name rebound to 127.0.0.1; no CORS header is ever sent, so browsers keep other origins out.
 */
export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  let allowedHosts: Set<string> = new Set();
  const server = await startLoopbackServer({
    port: options.port,
    handle: (incoming, outgoing, requestId) => serve(incoming, outgoing, options, allowedHosts, requestId),
    internalError: (outgoing, requestId) => outgoing.writeHead(500, { "content-type": "application/json", "x-request-id": requestId }).end(JSON.stringify({ message: "Internal error", requestId })),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  allowedHosts = loopbackHosts(server.port);
  return { url: `http://${LOOPBACK}:${server.port}`, close: server.close };
}

async function serve(incoming: IncomingMessage, outgoing: ServerResponse, options: ApiServerOptions, allowedHosts: ReadonlySet<string>, requestId: string): Promise<void> {
  const reply = (statusCode: number, body: string, headers: Record<string, string> = { "content-type": "application/json" }) => {
    outgoing.writeHead(statusCode, { ...headers, "x-request-id": requestId });
    outgoing.end(body);
  };
  if (!allowedHosts.has((incoming.headers.host ?? "").toLowerCase())) {
    reply(403, JSON.stringify({ message: `the local API answers only requests for ${[...allowedHosts].join(" or ")}`, requestId }));
    return;
  }
  let body: string | undefined;
  try {
    body = await readBody(incoming);
  } catch (error) {
    // Past the size limit: say so. Anything else is the client going away mid-body: nobody to answer.
    if (error instanceof RangeError) reply(413, JSON.stringify({ message: `the body is larger than ${MAX_BODY_BYTES} bytes`, requestId }));
    incoming.destroy();
    return;
  }
  let url: URL;
  try {
    url = new URL(incoming.url ?? "/", `http://${LOOPBACK}`);
  } catch {
    reply(400, JSON.stringify({ message: "the request target is not a valid URL path", requestId }));
    return;
  }
  const request: ApiRequest = {
    method: incoming.method ?? "GET",
    path: url.pathname,
    query: queryOf(url),
    headers: headersOf(incoming),
    ...(body === undefined ? {} : { body }),
    actor: options.actor,
    requestId,
  };
  const response = await options.router.handle(request);
  reply(response.statusCode, response.body, response.headers);
}

import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import { type ApiLogger, MAX_BODY_BYTES } from "@vigil/api";
import { headersOf, loopbackHosts, queryOf, readBody } from "../api/httpRequest.ts";
import { LOOPBACK, startLoopbackServer } from "../api/loopbackServer.ts";

/** One API request as the page sent it, `/api` taken off: `path` stays percent-encoded. */
export interface ForwardedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
  requestId: string;
}

export interface ForwardedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Where the page's API requests go: the local router over the embedded store, or the deployed API, signed. */
export type ConsoleBackend = (request: ForwardedRequest) => Promise<ForwardedResponse>;

export interface ConsoleServerOptions {
  backend: ConsoleBackend;
  /** The built page: index.html and assets/. */
  assetsDir: string;
  /** 0 picks a free port. */
  port: number;
  /** The per-run secret; a fresh random one when absent. */
  token?: string;
  logger?: ApiLogger;
}

export interface RunningConsoleServer {
  /** `http://127.0.0.1:<port>`, without the token. */
  origin: string;
  /** The URL to open: the origin with the token, which the first load trades for a cookie. */
  url: string;
  token: string;
  close(): Promise<void>;
}

/**
 * The session cookie's name: browsers send a host's cookies to each of its ports, so the port is in
 * the name, and two consoles at once (the store and a deployed API) do not overwrite each other's.
 */
export function cookieName(port: number): string {
  return `vigil_console_${port}`;
}

/** Every response: nothing but this origin's own scripts, styles and API; no framing, no referrer. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "x-frame-options": "DENY",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
};

const CHANGING_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".map": "application/json",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

/** A fresh per-run secret: 32 random bytes, base64url. */
export function newConsoleToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * The console on 127.0.0.1: the built page, and its API requests handed to `backend`. Because the
 * backend may act with the caller's AWS credentials, no other web page and no other local user
 * may use it: the Host must be this address (DNS rebinding), an Origin must be this origin, every
 * request carries the per-run token (in the URL once, then in an HttpOnly SameSite=Strict cookie),
 * and a request that changes something must show it comes from this origin (Origin or
 * Sec-Fetch-Site). No CORS header is ever sent.
 */
export async function startConsoleServer(options: ConsoleServerOptions): Promise<RunningConsoleServer> {
  const token = options.token ?? newConsoleToken();
  const tokenDigest = digest(token);
  const assetsDir = resolve(options.assetsDir);
  let allowedHosts: Set<string> = new Set();
  let cookie = "";
  async function handle(incoming: IncomingMessage, outgoing: ServerResponse, requestId: string): Promise<void> {
    const refuse = (statusCode: number, message: string) => send(outgoing, statusCode, json({ message, requestId }), JSON_TYPE);
    const host = (incoming.headers.host ?? "").toLowerCase();
    if (!allowedHosts.has(host)) return refuse(403, `the console answers only requests for ${[...allowedHosts].join(" or ")}`);
    const origin = `http://${host}`;
    const method = (incoming.method ?? "GET").toUpperCase();
    const requestOrigin = incoming.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) return refuse(403, "requests from other web pages are refused");
    if (CHANGING_METHODS.has(method) && requestOrigin !== origin && incoming.headers["sec-fetch-site"] !== "same-origin") {
      return refuse(403, "a change must come from the console's own page (no Origin or Sec-Fetch-Site: same-origin)");
    }
    let url: URL;
    try {
      url = new URL(incoming.url ?? "/", origin);
    } catch {
      return refuse(400, "the request target is not a valid URL path");
    }

    const offered = url.searchParams.get("token");
    if (offered !== null && method === "GET" && !url.pathname.startsWith("/api/")) {
      if (!sameSecret(digest(offered), tokenDigest)) return refuse(403, "the token does not match this run of vigil console: open the URL it printed");
      url.searchParams.delete("token");
      outgoing.writeHead(303, {
        ...SECURITY_HEADERS,
        "set-cookie": `${cookie}=${token}; HttpOnly; SameSite=Strict; Path=/`,
        location: `${url.pathname}${url.search}`,
        "cache-control": "no-store",
      });
      outgoing.end();
      return;
    }
    const presented = cookieValue(incoming.headers.cookie, cookie);
    if (presented === undefined || !sameSecret(digest(presented), tokenDigest)) {
      return refuse(401, "open the URL vigil console printed: it carries this run's token");
    }

    if (url.pathname === "/api" || url.pathname.startsWith("/api/")) {
      let body: string | undefined;
      try {
        body = await readBody(incoming);
      } catch (error) {
        if (error instanceof RangeError) refuse(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
        incoming.destroy();
        return;
      }
      const path = url.pathname.slice("/api".length) || "/";
      const { host: _host, cookie: _cookie, origin: _origin, ...headers } = headersOf(incoming);
      const response = await options.backend({ method, path, query: queryOf(url), headers, ...(body === undefined ? {} : { body }), requestId });
      const passed: Record<string, string> = {};
      for (const name of ["content-type", "x-request-id", "x-amzn-requestid", "x-amz-apigw-id"]) {
        const value = response.headers[name];
        if (value !== undefined) passed[name] = value;
      }
      send(outgoing, response.statusCode, response.body, { ...passed, "cache-control": "no-store" });
      return;
    }

    if (method !== "GET" && method !== "HEAD") return refuse(405, "the console's pages are read with GET");
    if (url.pathname.startsWith("/assets/")) {
      const file = resolve(join(assetsDir, decodeURIComponent(url.pathname)));
      if (!file.startsWith(assetsDir + sep)) return refuse(404, "no such file");
      const content = await readFile(file).catch(() => undefined);
      if (content === undefined) return refuse(404, "no such file");
      send(outgoing, 200, content, { "content-type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache" }, method === "HEAD");
      return;
    }
    // Every other path is a page of the console (/, /findings, /findings/{id}, /rules): the page routes itself.
    const index = await readFile(join(assetsDir, "index.html"));
    send(outgoing, 200, index, { "content-type": CONTENT_TYPES[".html"]!, "cache-control": "no-store" }, method === "HEAD");
  }

  const server = await startLoopbackServer({
    port: options.port,
    handle,
    internalError: (outgoing, requestId) => send(outgoing, 500, json({ message: "Internal error", requestId }), JSON_TYPE),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  allowedHosts = loopbackHosts(server.port);
  cookie = cookieName(server.port);
  const origin = `http://${LOOPBACK}:${server.port}`;
  return { origin, url: `${origin}/?token=${token}`, token, close: server.close };
}

const JSON_TYPE = { "content-type": "application/json", "cache-control": "no-store" };

function send(outgoing: ServerResponse, statusCode: number, body: string | Buffer, headers: Record<string, string>, headOnly = false): void {
  outgoing.writeHead(statusCode, { ...headers, ...SECURITY_HEADERS });
  outgoing.end(headOnly ? undefined : body);
}

function json(value: unknown): string {
  return JSON.stringify(value);
}

/** Fixed-length digests compared in constant time: neither the token's content nor its length leaks through timing. */
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function sameSecret(a: Buffer, b: Buffer): boolean {
  return timingSafeEqual(a, b);
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const at = part.indexOf("=");
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

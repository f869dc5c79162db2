import { Sha256 } from "@aws-crypto/sha256-js";
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { SignatureV4 } from "@smithy/signature-v4";
import { UsageError } from "../errors.ts";
import { type ApiClient, readResponse } from "./ApiClient.ts";

export interface RemoteApiOptions {
  /** The API's base URL, a stage path included: `https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com`. */
  url: string;
  /** The API's region; read from an execute-api host name, else AWS_REGION, when absent. */
  region?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The deployed findings API, each request signed with the caller's AWS credentials (SigV4, service
 * execute-api), found by the SDK's default chain: environment, profile, SSO, instance role.
 */
export function remoteApi(options: RemoteApiOptions): ApiClient {
  const send = signedSender(options);
  return {
    location: send.location,
    async call(request) {
      const body = request.body === undefined ? undefined : JSON.stringify(request.body);
      const response = await send({ method: request.method, path: request.path, query: request.query ?? {}, ...(body === undefined ? {} : { body }) });
      return readResponse(response.status, await response.text());
    },
    close: async () => {},
  };
}

/** One request to the deployed API: `path` percent-encoded and relative to the base URL, `body` JSON text. */
export interface SignedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: string;
}

export type SignedSender = ((request: SignedRequest) => Promise<Response>) & { readonly location: string };

/** Sends requests to the deployed API signed with the caller's credentials; the answer is returned as it came, whatever its status. */
export function signedSender(options: RemoteApiOptions): SignedSender {
  const base = parseBaseUrl(options.url);
  const region = options.region ?? /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com$/.exec(base.hostname)?.[1] ?? options.env?.AWS_REGION ?? options.env?.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError("--region: cannot tell the API's region from its URL; pass --region or set AWS_REGION");
  const signer = new SignatureV4({ service: "execute-api", region, credentials: defaultProvider(), sha256: Sha256 });
  const prefix = base.pathname.replace(/\/+$/, "");
  const send = async (request: SignedRequest): Promise<Response> => {
    const { body, query } = request;
    const path = `${prefix}${request.path}`;
    const signed = await signer.sign({
      method: request.method,
      protocol: base.protocol,
      hostname: base.hostname,
      ...(base.port ? { port: Number(base.port) } : {}),
      path,
      query,
      headers: { host: base.host, accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body }),
    });
    // fetch sets Host itself, to the same value that was signed.
    const { host: _host, ...headers } = signed.headers;
    const search = Object.entries(query)
      .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join("&");
    return fetch(`${base.origin}${path}${search ? `?${search}` : ""}`, { method: request.method, headers, ...(body === undefined ? {} : { body }) });
  };
  return Object.assign(send, { location: base.href });
}

function parseBaseUrl(text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--api: expected the API's URL, such as https://a1b2c3d4e5.execute-api.us-east-1.amazonaws.com, got "${text}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new UsageError(`--api: expected an http(s) URL, got "${text}"`);
  // Each request carries a SigV4 signature and, with temporary credentials, the session token itself.
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    throw new UsageError(`--api: plain http would send your signed requests and session token in cleartext; use https (http only to this machine), got "${text}"`);
  }
  if (url.search || url.hash) throw new UsageError("--api: give the API's base URL, without a query or fragment");
  return url;
}

/** This machine: localhost, 127.0.0.0/8 or ::1 (a local test server, an SSH tunnel). */
function isLoopback(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127(\.\d{1,3}){3}$/.test(hostname);
}

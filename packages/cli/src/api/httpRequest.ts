import type { IncomingMessage } from "node:http";
import { MAX_BODY_BYTES } from "@vigil/api";

/** The body as text, undefined when empty; rejects with a RangeError past the size the API accepts. */
export async function readBody(incoming: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new RangeError("body too large");
    chunks.push(chunk as Buffer);
  }
  return size === 0 ? undefined : Buffer.concat(chunks).toString("utf8");
}

/** The query as the router takes it: no prototype (a parameter named __proto__ stays a parameter), repeats comma-joined as API Gateway does. */
export function queryOf(url: URL): Record<string, string> {
  const query: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of url.searchParams) query[key] = key in query ? `${query[key]},${value}` : value;
  return query;
}

/** Header values as single strings, repeated ones comma-joined. */
export function headersOf(incoming: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(incoming.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(",") : (value ?? "")]));
}

/** The Host values a server on 127.0.0.1:port answers: a page reaching it through a DNS name rebound to 127.0.0.1 carries another. */
export function loopbackHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
}

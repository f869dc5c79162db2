import { connect } from "node:net";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApiServer, startApiServer } from "../../packages/cli/src/api/startApiServer.ts";
import { routerFor, seededFindings } from "../packages/api/routerHarness.ts";
import { freshStore } from "../packages/store-dynamodb/findingFactory.ts";
import { FUZZ_TIMEOUT_MS, fuzzRuns, HOSTILE_PIECES } from "./runs.ts";

let dynalite: RunningDynalite;
let server: RunningApiServer;
const internalErrors: unknown[] = [];
beforeAll(async () => {
  dynalite = await startDynalite();
  const store = await freshStore(dynalite);
  await store.writer.putFindings(seededFindings());
  server = await startApiServer({ router: routerFor(store), port: 0, actor: "local:fuzz", logger: { error: (_message, attributes) => internalErrors.push(attributes.error) } });
});
afterAll(async () => {
  await server?.close();
  await dynalite?.close();
});

/** Bytes written as they are, so that the request line reaches the server unparsed by any client. */
function raw(request: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let response = "";
    socket.setTimeout(5000, () => socket.destroy());
    socket.on("connect", () => socket.end(request.replaceAll("HOST", `${hostname}:${port}`)));
    socket.on("data", (chunk) => (response += chunk));
    socket.on("error", () => resolve({ status: 0, body: response }));
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0), body: response.slice(response.indexOf("\r\n\r\n") + 4) }));
  });
}

const target = fc.oneof(
  fc.constantFrom("//[", "/%", "/%zz", "/findings?limit=%", "*", "http://[::1", "/findings/%E0%A4%A", "/\u0000", "//evil.example/findings", "/findings?__proto__=x", "/findings#x"),
  fc.array(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom(...HOSTILE_PIECES)), { maxLength: 3 }).map((parts) => `/${parts.join("/")}`),
  fc.string({ unit: "binary", maxLength: 40 }),
);

describe("Fuzz: the local API server (vigil serve)", () => {
  it("survives any request line: each is answered below 500 or refused by the HTTP parser, and the next request is served", async () => {
    await fc.assert(
      fc.asyncProperty(target, fc.constantFrom("GET", "PATCH", "BREW", ""), async (path, method) => {
        const answer = await raw(`${method} ${path} HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n`);
        expect(answer.status === 0 || answer.status < 500, `${method} ${JSON.stringify(path)} -> ${answer.status}`).toBe(true);
        expect(answer.body).not.toMatch(/\n\s+at |node_modules|file:\/\//);

        const next = await raw("GET /rules HTTP/1.1\r\nHost: HOST\r\nConnection: close\r\n\r\n");
        expect(next.status).toBe(200);
      }),
      { numRuns: fuzzRuns(100) },
    );
    expect(internalErrors).toEqual([]);
  }, FUZZ_TIMEOUT_MS);
});

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { networkInterfaces, userInfo } from "node:os";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import type { HistoryEntry } from "@vigil/store-dynamodb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";

const BIN = join(REPO, "packages", "cli", "bin", "vigil.js");
const LOCAL_ACTOR = `local:${userInfo().username}`;

/** `vigil serve` as a user starts it; resolves once it prints its URL. */
function startServe(args: string[]): Promise<{ child: ChildProcessWithoutNullStreams; url: string; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, [BIN, "serve", ...args], { cwd: tempDir(), env: { ...process.env, NO_COLOR: "1" } });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number | null>((done) => child.on("close", done));
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      const url = /Vigil API on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (url) resolve({ child, url, output: () => stdout, exited });
    });
    void exited.then((code) => reject(new Error(`vigil serve exited ${code}: ${stderr}`)));
  });
}

/** A raw request with a Host header of our choosing (fetch does not allow setting it). */
function getWithHost(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers: { host } }, (response) => {
      let body = "";
      response.on("data", (chunk) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

/** An HTTP/1.0 request (no chunked answer) written byte for byte on a socket, so that the request target reaches the server unchanged. */
function rawRequest(url: string, target: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let response = "";
    socket.on("connect", () => socket.write(`GET ${target} HTTP/1.0\r\nHost: ${hostname}:${port}\r\n\r\n`));
    socket.on("data", (chunk) => (response += chunk));
    socket.on("error", reject);
    socket.on("close", () => resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(response)?.[1] ?? 0), body: response.slice(response.indexOf("\r\n\r\n") + 4) }));
  });
}

function refusesConnection(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2000 });
    socket.on("connect", () => {
      socket.destroy();
      resolve(false);
    });
    socket.on("error", () => resolve(true));
    socket.on("timeout", () => {
      socket.destroy();
      resolve(true);
    });
  });
}

describe("CLI: vigil serve", () => {
  let store: string;
  let scanned: Finding[];
  let server: Awaited<ReturnType<typeof startServe>>;

  beforeAll(async () => {
    store = tempDir();
    const scan = await runCli(["scan", join(REPO, "samples"), "--store", store, "--format", "json"]);
    expect(scan.code).toBe(0);
    scanned = JSON.parse(scan.stdout) as Finding[];
    server = await startServe(["--port", "0", "--store", store]);
  }, 60_000);
  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  });

  it("prints its URL on 127.0.0.1, the store and who it acts as", () => {
    expect(server.output()).toMatch(new RegExp(`^Vigil API on http://127\\.0\\.0\\.1:\\d+ \\(store ${store}/dynamodb, acting as ${LOCAL_ACTOR}\\); Ctrl-C to stop\\n`));
  });

  it("answers the API's routes over HTTP: list with filters, unknown parameters refused, the OpenAPI document", async () => {
    const list = await fetch(`${server.url}/findings?severity=CRITICAL`);
    expect(list.status).toBe(200);
    expect(list.headers.get("content-type")).toBe("application/json");
    const { items } = (await list.json()) as { items: Finding[] };
    expect(items.map((f) => f.id).sort()).toEqual(scanned.filter((f) => f.severity === "CRITICAL").map((f) => f.id).sort());

    const unknown = await fetch(`${server.url}/findings?sevrity=HIGH`);
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { issues: { parameter: string }[] }).issues.map((issue) => issue.parameter)).toEqual(["sevrity"]);

    const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe("3.1.0");
    expect(Object.keys(document.paths)).toContain("/findings/{id}");
  });

  it("triages as the local OS user", async () => {
    const target = scanned[0]!;
    const response = await fetch(`${server.url}/findings/${encodeURIComponent(target.id)}`, {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge", reason: "from the local API" }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { entry: HistoryEntry }).entry).toMatchObject({ actor: LOCAL_ACTOR, action: "acknowledge", to: "acknowledged" });
  });

  it("refuses requests for another host name (DNS rebinding) and listens on no other address", async () => {
    const port = new URL(server.url).port;
    const rebound = await getWithHost(`${server.url}/summary`, `attacker.example:${port}`);
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("bySeverity");
    expect((await getWithHost(`${server.url}/summary`, `localhost:${port}`)).status).toBe(200);

    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === "IPv4" && !address.internal)
      .map((address) => address!.address);
    for (const host of [...others, ...(process.platform === "linux" ? ["127.0.0.2"] : [])]) {
      expect(await refusesConnection(host, Number(port)), host).toBe(true);
    }
  });

  it("answers 400 to a request target that is not a URL and goes on serving", async () => {
    const malformed = await rawRequest(server.url, "//[");
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.body)).toMatchObject({ message: expect.stringContaining("request target") });
    expect(server.child.exitCode).toBeNull();
    expect((await fetch(`${server.url}/summary`)).status).toBe(200);
  });

  it("refuses __proto__ as a query parameter like any other unknown one", async () => {
    const response = await fetch(`${server.url}/findings?__proto__=x`);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { issues: { parameter: string }[] }).issues.map((issue) => issue.parameter)).toEqual(["__proto__"]);
  });

  it("refuses to listen anywhere but on 127.0.0.1, and refuses a bad port", async () => {
    const exposed = await runCli(["serve", "--host", "0.0.0.0", "--store", store]);
    expect(exposed.code).toBe(2);
    expect(exposed.stderr).toContain("--host: the local API has no authentication and listens on 127.0.0.1 only");
    const port = await runCli(["serve", "--port", "70000", "--store", store]);
    expect(port.code).toBe(2);
  });

  it("stops cleanly on Ctrl-C: exit 0, the store closed and the triage kept", async () => {
    server.child.kill("SIGINT");
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain("Stopped; the store is closed.\n");
    const after = await runCli(["findings", "get", scanned[0]!.id, "--store", store, "--format", "json"]);
    expect(after.code).toBe(0);
    const { history } = JSON.parse(after.stdout) as { history: HistoryEntry[] };
    expect(history.at(-1)).toMatchObject({ actor: LOCAL_ACTOR, action: "acknowledge", reason: "from the local API" });
  });
});

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { EventEmitter } from "node:events";
import { join } from "node:path";
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Finding } from "@vigil/core";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { REPO, tempDir } from "../../helpers/cli.ts";
import { routerFor, seededFindings } from "../api/routerHarness.ts";
import { freshStore, newestFirst } from "../store-dynamodb/findingFactory.ts";
import { consoleCommand } from "@vigil/cli/src/commands/console.ts";
import { remoteBackend } from "@vigil/cli/src/console/backends.ts";
import { captureIo } from "../../helpers/io.ts";
import { builtConsole, rawRequest, type SeededConsole, sessionCookie, startSeededConsole } from "./consoleHarness.ts";
import { ACCESS_KEY_ID, CALLER_ARN, SECRET_ACCESS_KEY, startSigV4Server } from "./sigv4Server.ts";

const REGION = "eu-west-1";
/** Credentials from the environment only: no profile, no config file, no instance metadata. */
const AWS_ENV = {
  AWS_ACCESS_KEY_ID: ACCESS_KEY_ID,
  AWS_SECRET_ACCESS_KEY: SECRET_ACCESS_KEY,
  AWS_SESSION_TOKEN: "",
  AWS_PROFILE: "",
  AWS_REGION: REGION,
  AWS_CONFIG_FILE: "/nonexistent/vigil-test-config",
  AWS_SHARED_CREDENTIALS_FILE: "/nonexistent/vigil-test-credentials",
  AWS_EC2_METADATA_DISABLED: "true",
};

const findings = seededFindings();
let dynalite: RunningDynalite;
let api: Awaited<ReturnType<typeof startSigV4Server>>;
let console_: SeededConsole;
let cookie: string;

beforeAll(async () => {
  for (const [name, value] of Object.entries(AWS_ENV)) vi.stubEnv(name, value);
  vi.stubEnv("AWS_SESSION_TOKEN", undefined);
  vi.stubEnv("AWS_PROFILE", undefined);
  dynalite = await startDynalite();
  const store = await freshStore(dynalite);
  await store.writer.putFindings(findings);
  api = await startSigV4Server(routerFor(store), REGION);
  // The console's own store stays empty: every answer has to come from the stand-in.
  console_ = await startSeededConsole([], { dynalite, backend: remoteBackend({ url: api.url, region: REGION, env: process.env }) });
  cookie = await sessionCookie(console_.server);
}, 60_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await console_?.close();
  await api?.close();
  await dynalite?.close();
});

function sameOrigin(method: string, path: string, body?: unknown) {
  return rawRequest(`${console_.server.origin}${path}`, {
    method,
    headers: { cookie, origin: console_.server.origin, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

describe("vigil console --api: the page's requests go to the deployed API, SigV4-signed", () => {
  it("lists, reads and triages through the stand-in, which verifies every signature", async () => {
    const before = api.seen.length;
    const list = await sameOrigin("GET", "/api/findings?status=open&limit=3");
    expect(list.status).toBe(200);
    const expected = newestFirst(findings.filter((f) => f.status === "open")).slice(0, 3);
    expect((JSON.parse(list.body) as { items: Finding[] }).items.map((f) => f.id)).toEqual(expected.map((f) => f.id));

    const target = expected[0]!;
    const path = `/api/findings/${encodeURIComponent(target.id)}`;
    const read = await sameOrigin("GET", path);
    expect(read.status).toBe(200);
    expect(JSON.parse(read.body).finding.id).toBe(target.id);

    const triage = await sameOrigin("PATCH", path, { action: "suppress", reason: "expected in the sandbox" });
    expect(triage.status).toBe(200);
    expect(JSON.parse(triage.body).entry).toMatchObject({ actor: CALLER_ARN, action: "suppress", to: "suppressed", reason: "expected in the sandbox" });

    const impossible = await sameOrigin("PATCH", path, { action: "acknowledge" });
    expect(impossible.status).toBe(409);
    expect(JSON.parse(impossible.body).message).toContain("cannot acknowledge");

    const requests = api.seen.slice(before);
    expect(requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      "GET /findings?status=open&limit=3",
      `GET /findings/${encodeURIComponent(target.id)}`,
      `PATCH /findings/${encodeURIComponent(target.id)}`,
      `PATCH /findings/${encodeURIComponent(target.id)}`,
    ]);
    expect(requests.map((request) => request.refused)).toEqual([undefined, undefined, undefined, undefined]);
    expect(requests.every((request) => request.authorization?.includes(`/${REGION}/execute-api/aws4_request`))).toBe(true);
  });

  it("sends neither the console's cookie nor the page's Origin to the API", async () => {
    const seenHeaders: Record<string, string>[] = [];
    const backend = remoteBackend({ url: api.url, region: REGION, env: process.env });
    const spy = vi.spyOn(globalThis, "fetch");
    try {
      await sameOrigin("GET", "/api/rules");
      for (const call of spy.mock.calls) seenHeaders.push(Object.fromEntries(Object.entries((call[1]?.headers ?? {}) as Record<string, string>)));
    } finally {
      spy.mockRestore();
    }
    expect(backend.location).toBe(`${api.url}/`);
    expect(seenHeaders.length).toBe(1);
    expect(Object.keys(seenHeaders[0]!).map((name) => name.toLowerCase())).not.toContain("cookie");
    expect(Object.keys(seenHeaders[0]!).map((name) => name.toLowerCase())).not.toContain("origin");
  });

  it("the stand-in refuses a signed request changed after signing, and a wrong secret: the page gets the 403", async () => {
    const url = new URL(`${api.url}/findings`);
    const signer = new SignatureV4({ service: "execute-api", region: REGION, credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY }, sha256: Sha256 });
    const signed = await signer.sign({ method: "GET", protocol: "http:", hostname: url.hostname, port: Number(url.port), path: "/findings", query: { status: "open" }, headers: { host: url.host } });
    const { host: _host, ...headers } = signed.headers;
    expect((await fetch(`${url}?status=open`, { headers })).status).toBe(200);
    expect((await fetch(`${url}?status=resolved`, { headers })).status).toBe(403);
    expect(api.seen.at(-1)?.refused).toBe("signature does not match");

    const wrong = await startSeededConsole([], { dynalite, backend: remoteBackend({ url: api.url, region: REGION, env: process.env }) });
    try {
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", "not-the-secret");
      const response = await rawRequest(`${wrong.server.origin}/api/summary`, { headers: { cookie: await sessionCookie(wrong.server) } });
      expect(response.status).toBe(403);
      expect(api.seen.at(-1)?.refused).toBe("signature does not match");
    } finally {
      vi.stubEnv("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY);
      await wrong.close();
    }
  });
});

describe("CLI: vigil console --api URL", () => {
  let child: ChildProcessWithoutNullStreams | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill("SIGKILL");
  });

  it("prints the URL with its token, serves the page and forwards signed; Ctrl-C stops it", async () => {
    const assets = await builtConsole();
    child = spawn(process.execPath, [join(REPO, "packages", "cli", "bin", "vigil.js"), "console", "--port", "0", "--api", api.url, "--region", REGION], {
      cwd: tempDir(),
      env: { ...process.env, ...AWS_ENV, AWS_SESSION_TOKEN: undefined, AWS_PROFILE: undefined, NO_COLOR: "1", VIGIL_CONSOLE_ASSETS: assets },
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((done) => child!.on("close", done));
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout.on("data", (chunk) => {
        stdout += chunk;
        const found = /Vigil console on (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(stdout)?.[1];
        if (found) resolve(found);
      });
      void exited.then((code) => reject(new Error(`vigil console exited ${code}: ${stderr}`)));
    });
    expect(stdout).toContain(`the API at ${api.url}/, signed with your AWS credentials`);
    const first = await rawRequest(url);
    expect(first.status).toBe(303);
    const session = first.headers["set-cookie"]![0]!.split(";")[0]!;
    const before = api.seen.length;
    const summary = await rawRequest(`${new URL(url).origin}/api/summary`, { headers: { cookie: session } });
    expect(summary.status).toBe(200);
    expect(api.seen.slice(before)).toEqual([expect.objectContaining({ method: "GET", url: "/summary", refused: undefined })]);
    expect((await rawRequest(`${new URL(url).origin}/`, { headers: { cookie: session } })).body).toContain("/assets/console.js");

    child.kill("SIGINT");
    expect(await exited).toBe(0);
    expect(stdout).toContain("Stopped.");
  }, 60_000);
});

describe("vigil console --open", () => {
  it("hands the URL with its token to the browser opener, and only when asked", async () => {
    const assets = await builtConsole();
    for (const open of [true, false]) {
      const { io, out } = captureIo();
      const signals = new EventEmitter();
      const opened: string[] = [];
      const env = { ...process.env, VIGIL_CONSOLE_ASSETS: assets };
      const done = consoleCommand(["--port", "0", "--api", api.url, "--region", REGION, ...(open ? ["--open"] : [])], io, { signals, env, openUrl: (url) => opened.push(url) });
      await expect.poll(() => out.stdout).toContain("Vigil console on ");
      const printed = /Vigil console on (\S+)/.exec(out.stdout)![1]!;
      expect(opened).toEqual(open ? [printed] : []);
      signals.emit("SIGINT");
      expect(await done).toBe(0);
    }
  });
});

import { networkInterfaces } from "node:os";
import { connect } from "node:net";
import type { Finding } from "@vigil/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seededFindings } from "../api/routerHarness.ts";
import { cookieName } from "@vigil/cli/src/console/startConsoleServer.ts";
import { LOCAL_ACTOR, rawRequest, type SeededConsole, sessionCookie, startSeededConsole } from "./consoleHarness.ts";

const findings = seededFindings();
let running: SeededConsole;
let origin: string;
let host: string;
let cookie: string;
let COOKIE: string;

beforeAll(async () => {
  running = await startSeededConsole(findings);
  origin = running.server.origin;
  host = new URL(origin).host;
  COOKIE = cookieName(Number(new URL(origin).port));
  cookie = await sessionCookie(running.server);
}, 60_000);
afterAll(async () => {
  await running?.close();
});

const target = () => findings.find((f) => f.status === "open")!;
const findingPath = (finding: Finding) => `/api/findings/${encodeURIComponent(finding.id)}`;

async function statusOf(finding: Finding): Promise<string> {
  const found = await running.store.reader.getFindingWithHistory(finding.id);
  return found!.finding.status;
}

describe("console server: the token and its cookie", () => {
  it("prints a URL with a 32-byte base64url token; the first load sets an HttpOnly SameSite=Strict cookie and redirects to the URL without it", async () => {
    expect(running.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43}$/);
    const first = await rawRequest(`${origin}/findings?status=open&token=${running.server.token}`);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe("/findings?status=open");
    const setCookie = first.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toMatch(new RegExp(`^${COOKIE}=${running.server.token}; `));
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Strict");
    expect(setCookie).toContain("Path=/");

    const page = await rawRequest(`${origin}/findings?status=open`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toContain("text/html");
    expect(page.body).toContain('<script type="module" src="/assets/console.js">');
  });

  it("refuses pages, assets and the API without the cookie, or with a wrong token or cookie", async () => {
    for (const path of ["/", "/findings", "/assets/console.js", "/api/findings", "/api/summary"]) {
      const none = await rawRequest(`${origin}${path}`);
      expect(none.status, path).toBe(401);
      expect(none.body).not.toContain("bySeverity");
      expect((await rawRequest(`${origin}${path}`, { headers: { cookie: `${COOKIE}=${"A".repeat(43)}` } })).status, path).toBe(401);
    }
    const wrong = await rawRequest(`${origin}/?token=${"B".repeat(43)}`);
    expect(wrong.status).toBe(403);
    expect(wrong.headers["set-cookie"]).toBeUndefined();
    // The token in an API URL is not a way in either.
    expect((await rawRequest(`${origin}/api/summary?token=${running.server.token}`)).status).toBe(401);
  });

  it("answers the API with the cookie, uncached", async () => {
    const summary = await rawRequest(`${origin}/api/summary`, { headers: { cookie } });
    expect(summary.status).toBe(200);
    expect(summary.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(summary.body).byStatus.open).toBe(findings.filter((f) => f.status === "open").length);
  });
});

describe("console server: other pages, hosts and users", () => {
  it("refuses a foreign Host (DNS rebinding) even with the cookie, and answers localhost", async () => {
    const rebound = await rawRequest(`${origin}/api/summary`, { headers: { host: `attacker.example:${new URL(origin).port}`, cookie } });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain("bySeverity");
    expect((await rawRequest(`${origin}/`, { headers: { host: `attacker.example:${new URL(origin).port}` } })).status).toBe(403);
    const local = await rawRequest(`${origin}/api/summary`, { headers: { host: `localhost:${new URL(origin).port}`, cookie } });
    expect(local.status).toBe(200);
  });

  it("refuses a cross-origin PATCH with a valid cookie and leaves the finding unchanged", async () => {
    const finding = target();
    for (const evil of ["http://evil.example", "null", `http://localhost:${Number(new URL(origin).port) + 1}`]) {
      const response = await rawRequest(`${origin}${findingPath(finding)}`, {
        method: "PATCH",
        headers: { host, cookie, origin: evil, "content-type": "application/json", "sec-fetch-site": "cross-site" },
        body: JSON.stringify({ action: "acknowledge", reason: "from another site" }),
      });
      expect(response.status, evil).toBe(403);
    }
    expect(await statusOf(finding)).toBe("open");
  });

  it("refuses a PATCH that shows neither Origin nor Sec-Fetch-Site: same-origin, and a GET from another origin", async () => {
    const finding = target();
    const bare = await rawRequest(`${origin}${findingPath(finding)}`, {
      method: "PATCH",
      headers: { host, cookie, "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge" }),
    });
    expect(bare.status).toBe(403);
    const sameSite = await rawRequest(`${origin}${findingPath(finding)}`, {
      method: "PATCH",
      headers: { host, cookie, "content-type": "application/json", "sec-fetch-site": "same-site" },
      body: JSON.stringify({ action: "acknowledge" }),
    });
    expect(sameSite.status).toBe(403);
    expect(await statusOf(finding)).toBe("open");
    expect((await rawRequest(`${origin}/api/findings`, { headers: { cookie, origin: "http://evil.example" } })).status).toBe(403);
  });

  it("applies a same-origin PATCH as the local user", async () => {
    const finding = target();
    const response = await rawRequest(`${origin}${findingPath(finding)}`, {
      method: "PATCH",
      headers: { host, cookie, origin, "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge", reason: "from the console" }),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).entry).toMatchObject({ actor: LOCAL_ACTOR, action: "acknowledge", to: "acknowledged" });
    expect(await statusOf(finding)).toBe("acknowledged");
    // The API's own refusals pass through: a second acknowledge is an impossible move.
    const again = await rawRequest(`${origin}${findingPath(finding)}`, {
      method: "PATCH",
      headers: { host, cookie, "sec-fetch-site": "same-origin", "content-type": "application/json" },
      body: JSON.stringify({ action: "acknowledge" }),
    });
    expect(again.status).toBe(409);
  });

  it("sends the strict CSP and the other security headers on pages, assets, the API and refusals", async () => {
    const responses = [
      await rawRequest(`${origin}/`, { headers: { cookie } }),
      await rawRequest(`${origin}/assets/console.js`, { headers: { cookie } }),
      await rawRequest(`${origin}/api/rules`, { headers: { cookie } }),
      await rawRequest(`${origin}/`),
    ];
    for (const response of responses) {
      expect(response.headers["content-security-policy"]).toBe(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      );
      expect(response.headers["x-content-type-options"]).toBe("nosniff");
      expect(response.headers["referrer-policy"]).toBe("no-referrer");
      expect(response.headers["access-control-allow-origin"]).toBeUndefined();
    }
    expect(responses[1]!.headers["content-type"]).toBe("text/javascript; charset=utf-8");
  });

  it("serves no file outside its assets", async () => {
    for (const path of ["/assets/../index.html", "/assets/%2e%2e/%2e%2e/package.json", "/assets/nothing.js"]) {
      const response = await rawRequest(`${origin}${path}`, { headers: { cookie } });
      expect([404, 200], path).toContain(response.status);
      expect(response.body, path).not.toContain('"name"');
    }
  });

  it("listens on 127.0.0.1 only", async () => {
    const port = Number(new URL(origin).port);
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((address) => address && address.family === "IPv4" && !address.internal)
      .map((address) => address!.address);
    for (const other of [...others, ...(process.platform === "linux" ? ["127.0.0.2"] : [])]) {
      const refused = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: other, port, timeout: 2000 });
        socket.on("connect", () => (socket.destroy(), resolve(false)));
        socket.on("error", () => resolve(true));
        socket.on("timeout", () => (socket.destroy(), resolve(true)));
      });
      expect(refused, other).toBe(true);
    }
  });
});

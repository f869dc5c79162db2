import { spawn } from "node:child_process";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { Finding } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";
import { builtConsole, rawRequest } from "./consoleHarness.ts";

describe("CLI: vigil console over the embedded store", () => {
  it("serves the store a scan wrote, triages as the local user, and stops on Ctrl-C", async () => {
    const store = tempDir();
    const scan = await runCli(["scan", join(REPO, "samples"), "--store", store, "--format", "json"]);
    expect(scan.code).toBe(0);
    const scanned = JSON.parse(scan.stdout) as Finding[];

    const child = spawn(process.execPath, [join(REPO, "packages", "cli", "bin", "vigil.js"), "console", "--port", "0", "--store", store], {
      cwd: tempDir(),
      env: { ...process.env, NO_COLOR: "1", VIGIL_CONSOLE_ASSETS: await builtConsole() },
    });
    try {
      let stdout = "";
      let stderr = "";
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const exited = new Promise<number | null>((done) => child.on("close", done));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          const found = /Vigil console on (http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{43})\n/.exec(stdout)?.[1];
          if (found) resolve(found);
        });
        void exited.then((code) => reject(new Error(`vigil console exited ${code}: ${stderr}`)));
      });
      expect(stdout).toContain(`(store ${store}/dynamodb, acting as local:${userInfo().username}); Ctrl-C to stop`);
      const { origin } = new URL(url);
      const cookie = (await rawRequest(url)).headers["set-cookie"]![0]!.split(";")[0]!;
      const summary = JSON.parse((await rawRequest(`${origin}/api/summary`, { headers: { cookie } })).body) as { byStatus: Record<string, number> };
      expect(summary.byStatus.open).toBe(scanned.length);
      const target = scanned[0]!;
      const triage = await rawRequest(`${origin}/api/findings/${encodeURIComponent(target.id)}`, {
        method: "PATCH",
        headers: { cookie, origin, "content-type": "application/json" },
        body: JSON.stringify({ action: "resolve", reason: "fixed" }),
      });
      expect(triage.status).toBe(200);
      expect(JSON.parse(triage.body).entry).toMatchObject({ actor: `local:${userInfo().username}`, to: "resolved" });

      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(stdout).toContain("Stopped.");
      const after = await runCli(["findings", "get", target.id, "--store", store, "--format", "json"]);
      expect(JSON.parse(after.stdout).finding.status).toBe("resolved");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);

  it("refuses usage mistakes", async () => {
    const both = await runCli(["console", "--api", "https://example.execute-api.eu-west-1.amazonaws.com", "--config", "x.json"]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain("--config goes without --api");
    const port = await runCli(["console", "--port", "http"]);
    expect(port.code).toBe(2);
    const plain = await runCli(["console", "--api", "http://api.example.com"], { env: { VIGIL_CONSOLE_ASSETS: await builtConsole() } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("plain http");
  }, 60_000);
});

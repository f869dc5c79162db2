import { userInfo } from "node:os";
import { join } from "node:path";
import { main } from "@vigil/cli";
import { atLeast, type Finding } from "@vigil/core";
import type { HistoryEntry } from "@vigil/store-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";
import { captureIo } from "../../helpers/io.ts";

const LOCAL_ACTOR = `local:${userInfo().username}`;

/** Runs the CLI in this process (same code path as the binary, faster than a spawn). */
async function vigil(...args: string[]) {
  const { io, out } = captureIo();
  const code = await main(args, io);
  return { code, ...out };
}

describe("CLI: vigil findings (embedded store)", () => {
  let store: string;
  let scanned: Finding[];
  const newest = (list: readonly Finding[]) => [...list].sort((a, b) => (b.eventTime ?? b.detectedAt).localeCompare(a.eventTime ?? a.detectedAt) || (a.id < b.id ? 1 : -1));

  beforeAll(async () => {
    store = tempDir();
    const scan = await runCli(["scan", join(REPO, "samples"), "--store", store, "--format", "json"]);
    expect(scan.code).toBe(0);
    scanned = JSON.parse(scan.stdout) as Finding[];
    expect(scanned.length).toBeGreaterThan(5);
  }, 60_000);

  it("lists the store with no subcommand, as the README shows: grouped by severity, with ids and statuses", async () => {
    const result = await runCli(["findings", "--store", store, "--severity", "HIGH"]);
    expect(result.code).toBe(0);
    // Nothing but what Vigil has to say: no SDK notice about future Node versions on every run.
    expect(result.stderr).toBe("");
    const shown = scanned.filter((f) => atLeast(f.severity, "HIGH"));
    expect(result.stdout).toMatch(/^ CRITICAL  \d+ findings?\n/);
    for (const finding of shown) expect(result.stdout).toContain(`    id: ${finding.id}\n`);
    expect(result.stdout).toContain(`${shown.length} findings in ${store}/dynamodb\n`);
    expect(result.stdout.split("\n").every((line) => line.length <= 80)).toBe(true);
  });

  it("lists as JSON, newest first, with any combination of filters and a limit", async () => {
    const rule = scanned[0]!.ruleId;
    const all = await vigil("findings", "list", "--store", store, "--format", "json");
    expect((JSON.parse(all.stdout) as Finding[]).map((f) => f.id)).toEqual(newest(scanned).map((f) => f.id));
    const filtered = await vigil("findings", "list", "--store", store, "--format", "json", "--rule", rule, "--status", "open", "--account", scanned[0]!.account);
    expect((JSON.parse(filtered.stdout) as Finding[]).map((f) => f.id)).toEqual(newest(scanned.filter((f) => f.ruleId === rule && f.status === "open" && f.account === scanned[0]!.account)).map((f) => f.id));
    const limited = await vigil("findings", "--store", store, "--limit", "2");
    expect(limited.stdout).toContain("2 findings in");
    expect(limited.stdout).toContain("(more match: raise --limit or narrow the filters)");
    const recent = await vigil("findings", "--store", store, "--since", "1d", "--format", "json");
    expect(JSON.parse(recent.stdout)).toEqual([]); // the samples are from 2026-11-20, older than a day
  });

  it("acknowledges, suppresses for 30 days, resolves and reopens a finding, each as the local user, and shows the history", async () => {
    const id = scanned[1]!.id;
    const ack = await runCli(["findings", "ack", id, "--reason", "checking with the team", "--store", store]);
    expect(ack.code).toBe(0);
    expect(ack.stdout).toBe(`Acknowledged ${id} (open -> acknowledged) as ${LOCAL_ACTOR}.\n`);

    const before = Date.now();
    const suppress = await vigil("findings", "suppress", id, "--reason", "known test account", "--until", "30d", "--store", store, "--format", "json");
    expect(suppress.code).toBe(0);
    const { entry } = JSON.parse(suppress.stdout) as { entry: HistoryEntry };
    expect(Date.parse(entry.until!) - before).toBeGreaterThanOrEqual(30 * 86_400_000 - 1000);
    expect(Date.parse(entry.until!) - before).toBeLessThan(30 * 86_400_000 + 60_000);
    expect((await vigil("findings", "resolve", id, "--store", store)).code).toBe(0);
    expect((await vigil("findings", "reopen", id, "--reason", "it happened again", "--store", store)).code).toBe(0);

    const get = await vigil("findings", "get", id, "--store", store, "--format", "json");
    const { finding, history } = JSON.parse(get.stdout) as { finding: Finding; history: HistoryEntry[] };
    expect(finding.status).toBe("open");
    expect(history.map((e) => [e.actor, e.action, e.from, e.to])).toEqual([
      ["vigil", "create", null, "open"],
      [LOCAL_ACTOR, "acknowledge", "open", "acknowledged"],
      [LOCAL_ACTOR, "suppress", "acknowledged", "suppressed"],
      [LOCAL_ACTOR, "resolve", "suppressed", "resolved"],
      [LOCAL_ACTOR, "reopen", "resolved", "open"],
    ]);
    const table = await vigil("findings", "get", id, "--store", store);
    expect(table.stdout).toContain(`${LOCAL_ACTOR}  acknowledge open -> acknowledged  "checking with the team"`);
    expect(table.stdout).toContain(`  id          ${id}\n`);
  });

  it("shows an event finding's suggested ignore entry on one line, ready to paste into the configuration", async () => {
    const finding = scanned.find((f) => f.silenceWith !== undefined)!;

    const shown = await vigil("findings", "get", finding.id, "--store", store);

    expect(shown.stdout).toContain(`\nSilence with: ${JSON.stringify(finding.silenceWith)}\n`);
    expect(finding.silenceWith).toMatchObject({ principal: expect.any(String), rules: [finding.ruleId], reason: expect.any(String) });
  });

  it("fails with exit 3 and the API's message for an impossible transition or an unknown finding", async () => {
    const id = scanned[2]!.id;
    expect((await vigil("findings", "resolve", id, "--store", store)).code).toBe(0);
    const again = await vigil("findings", "ack", id, "--store", store);
    expect(again.code).toBe(3);
    expect(again.stderr).toBe(`vigil findings: cannot acknowledge finding ${id}: it is resolved (allowed from resolved: reopen)\n`);
    const missing = await vigil("findings", "get", "iam-user-created:000000000000000000000000", "--store", store);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toBe("vigil findings: finding iam-user-created:000000000000000000000000 does not exist\n");
  });

  it.each([
    [["suppress", "ID"], "--reason: required to suppress a finding"],
    [["ack", "ID", "--until", "2099-01-01T00:00:00Z"], "--until does not go with ack"],
    [["list", "--severity", "urgent"], "--severity: expected one of CRITICAL, HIGH, MEDIUM, LOW, INFO"],
    [["list", "--since", "last tuesday"], "--since: expected an ISO 8601 instant"],
    [["list", "--limit", "5000"], "--limit: expected a whole number from 1 to 1000"],
    [["list", "--reason", "x"], "--reason goes with ack, suppress, resolve or reopen"],
    [["close", "ID"], 'unknown subcommand "close"'],
    [["get"], "get: expected one finding ID"],
    [["get", "ID", "--status", "open"], "--status does not go with get"],
    [["list", "--api", "https://example.com", "--store", "x"], "give --store or --api, not both"],
    [["list", "--region", "us-east-1"], "--region goes with --api"],
    [["list", "--colour", "red"], "Unknown option '--colour'"],
  ])("exits 2 with a usage error for %j", async (args, message) => {
    const id = scanned[3]!.id;
    const result = await vigil("findings", ...args.map((arg) => (arg === "ID" ? id : arg)), ...(args.includes("--store") ? [] : ["--store", store]));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain("Usage: vigil findings");
    const { finding } = JSON.parse((await vigil("findings", "get", id, "--store", store, "--format", "json")).stdout) as { finding: Finding };
    expect(finding.status).toBe("open");
  });
});

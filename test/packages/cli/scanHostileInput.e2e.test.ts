import { createWriteStream, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { gzipSync } from "node:zlib";
import type { Finding } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { measureChild } from "../../../bench/scan/measureChild.ts";
import { REPO, runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";

const CREATE_USER = join(FIXTURES, "rules/iam-user-created/positive-by-access-key.json"); // MEDIUM
const QUIET = join(FIXTURES, "rules/iam-user-created/negative-access-denied.json");
const BIN = join(REPO, "packages", "cli", "bin", "vigil.js");
const MiB = 1024 * 1024;

/** A fixture's first record, whether the file is a log file or a bare record. */
const record = (file: string) => {
  const value = JSON.parse(readFileSync(file, "utf8")) as { Records?: object[] };
  return (value.Records?.[0] ?? value) as Record<string, unknown>;
};
const ids = (stdout: string) => (JSON.parse(stdout) as Finding[]).map((finding) => finding.ruleId).sort();
/** The scan's own time, from its summary line: start-up (seconds on a loaded 2-core machine) left out. */
const scanSeconds = (summary: string) => Number(/ in ([\d.]+)s: /.exec(summary)?.[1]);

/**
 * 2 GiB of zeros as a gzip file of about 2 MB: one gzip member of 64 MiB of zeros, written 32
 * times (a gzip file may hold members one after another, and gunzip inflates them all).
 */
async function writeBomb(path: string): Promise<void> {
  const member = gzipSync(Buffer.alloc(64 * MiB), { level: 9 });
  const out = createWriteStream(path);
  for (let i = 0; i < 32; i++) if (!out.write(member)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
  out.end();
  await finished(out);
}

// Each spawned CLI takes seconds on a loaded 2-core machine.
describe("CLI: vigil scan on hostile input", { timeout: 60_000 }, () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it("refuses a gzip bomb (2 GiB of zeros in 2 MB) within its limit, quickly and in bounded memory, naming it, and reports the other files' findings", async () => {
    const bomb = join(dir, "111122223333_CloudTrail_us-east-1_20261120T0815Z_bomb.json.gz");
    await writeBomb(bomb);

    const run = await measureChild(process.execPath, [BIN, "scan", bomb, CREATE_USER, "--format", "json", "--store", "memory"], {
      cwd: tempDir(),
      keepStdout: true,
      env: { ...process.env, NO_COLOR: "1" },
    });

    expect(run.stderrTail).toContain(`${bomb}: decompressed size exceeds 256 MiB (--max-file-size); skipped`);
    expect(run.stderrTail).toMatch(/Scanned 1 file, 1 event \(0 skipped, 1 unreadable file\)/);
    expect(ids(run.stdout)).toContain("iam-user-created");
    expect(run.exitCode).toBe(0);
    // Before the limit: 24 s (44 s on a 2-core CI machine), 4.1 GB, and V8's "Cannot create a string
    // longer than 0x1fffffe8 characters". Now about 1 s, most of it taking the 256 MiB a document may hold;
    // 5 s leaves room for a loaded machine.
    expect(scanSeconds(run.stderrTail)).toBeLessThan(5);
    // The CLI alone peaks near 200 MB; the bomb may add what one document may take (256 MiB), and no more.
    expect(run.peakRssBytes).toBeLessThan(700 * MiB);
  });

  it("streams JSON lines past --max-file-size, reporting a bad line and an overlong one by number and reading the rest; a document past it is refused; --fail-on fails", async () => {
    const lines = join(dir, "export.json"); // JSON lines by content, whatever the name
    const noise = JSON.stringify(record(QUIET));
    const overlong = JSON.stringify({ ...record(QUIET), padding: "x".repeat(40 * 1024) });
    const body = [
      ...Array.from({ length: 100 }, () => noise), // lines 1-100
      "{not json", // line 101
      overlong, // line 102
      ...Array.from({ length: 100 }, () => noise), // lines 103-202
      JSON.stringify(record(CREATE_USER)), // line 203
    ];
    writeFileSync(lines, `${body.join("\n")}\n`);
    const document = join(dir, "big-document.json");
    writeFileSync(document, JSON.stringify({ Records: Array.from({ length: 200 }, () => record(QUIET)) }));
    const limits = ["--max-file-size", "64KiB", "--max-record-size", "16KiB"];
    expect(readFileSync(lines).length).toBeGreaterThan(2 * 64 * 1024);
    expect(readFileSync(document).length).toBeGreaterThan(64 * 1024);

    const result = await runCli(["scan", lines, document, ...limits, "--format", "json", "--store", "memory"]);
    const gated = await runCli(["scan", lines, ...limits, "--fail-on", "CRITICAL", "--store", "memory"]);

    expect(result.stderr).toContain(`${lines}: line 101: invalid JSON`);
    expect(result.stderr).toContain(`${lines}: line 102: record exceeds 16 KiB (--max-record-size); skipped`);
    expect(result.stderr).toContain(`${document}: decompressed size exceeds 64 KiB (--max-file-size); skipped`);
    expect(result.stderr).toMatch(/Scanned 1 file, 201 events \(2 skipped, 1 unreadable file\)/);
    expect(ids(result.stdout)).toContain("iam-user-created");
    expect(result.code).toBe(0);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain("--fail-on: 2 inputs could not be read (see above), so this scan cannot pass");
  });

  // About 10 s on a 2-core machine (noise lines are dismissed on their header); the file is removed after.
  it("reads 600 MB of JSON lines, past V8's string limit, to the last line in bounded memory", { timeout: 900_000 }, async () => {
    const file = join(dir, "large-export.jsonl");
    const noise = `${JSON.stringify({ ...record(QUIET), eventSource: "ec2.amazonaws.com", eventName: "DescribeInstances" })}\n`;
    const lines = Math.ceil((600 * 1e6) / Buffer.byteLength(noise));
    const out = createWriteStream(file);
    const block = noise.repeat(1000);
    for (let i = 0; i < lines / 1000; i++) if (!out.write(block)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
    out.end(`${JSON.stringify(record(CREATE_USER))}\n`);
    await finished(out);
    const written = Math.ceil(lines / 1000) * 1000 + 1;

    const run = await measureChild(process.execPath, [BIN, "scan", file, "--format", "json", "--store", "memory"], {
      cwd: tempDir(),
      keepStdout: true,
      env: { ...process.env, NO_COLOR: "1" },
    }).finally(() => rmSync(file));

    expect(run.stderrTail).toContain(`Scanned 1 file, ${written.toLocaleString("en-US")} events (0 skipped)`);
    expect(ids(run.stdout)).toContain("iam-user-created");
    // The CLI alone peaks near 200 MB; lines stream, so 600 MB of them add little.
    expect(run.peakRssBytes).toBeLessThan(400 * MiB);
  });

  it("reads standard input as a stream within the same limits", async () => {
    const result = await runCli(["scan", "-", "--max-file-size", "1kB", "--format", "json", "--store", "memory"], { stdin: gzipSync(readFileSync(CREATE_USER)) });
    expect(result.stderr).toContain("<stdin>: decompressed size exceeds 1 kB (--max-file-size); skipped");
  });

  it.each([
    [["--max-file-size", "12XB"], '--max-file-size: expected a size such as 256MiB, 1GiB or 2MB, got "12XB"'],
    [["--max-record-size", "0"], '--max-record-size: expected a size such as 256MiB, 1GiB or 2MB, got "0"'],
    [["--max-file-size=-5MiB"], '--max-file-size: expected a size such as 256MiB, 1GiB or 2MB, got "-5MiB"'],
  ])("exits 2 on the usage error %j", async (args, message) => {
    const result = await runCli(["scan", CREATE_USER, ...args, "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });
});

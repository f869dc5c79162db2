import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES, loadFixture } from "../../helpers/fixtures.ts";
import { RAW_CONTROL } from "../../helpers/rawControl.ts";

/** A CreateUser whose caller's name clears the screen, recolours and hides a link, and whose new user's name reverses text and rewrites the line. */
const HOSTILE = join(FIXTURES, "hostile", "escape-sequences.json");
const record = loadFixture<{ Records: [{ userIdentity: { arn: string }; requestParameters: { userName: string } }] }>("hostile/escape-sequences.json").Records[0];

describe("CLI: hostile strings in human-facing output", () => {
  it("vigil scan shows an attacker's escape sequences escaped in the table, never raw", async () => {
    const result = await runCli(["scan", HOSTILE, "--store", "memory"]);

    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(result.stderr).not.toMatch(RAW_CONTROL);
    expect(result.stdout).toContain("user/\\x1b[2J\\x1b[31mops\\x1b]8;;http://evil.example\\x07console.aws.amazon.com\\x1b]8;;\\x07");
    expect(result.stdout).toContain("resource: arn:aws:iam::111122223333:user/backup\\u202egnp.exe\\r\\x9b2Jdone");
  });

  it("keeps the JSON output exact: the same strings, escaped only as JSON escapes them", async () => {
    const result = await runCli(["scan", HOSTILE, "--store", "memory", "--format", "json"]);

    const [finding] = JSON.parse(result.stdout) as { principal: string; resource: string }[];
    expect(finding?.principal).toBe(record.userIdentity.arn);
    expect(finding?.resource).toBe(`arn:aws:iam::111122223333:user/${record.requestParameters.userName}`);
  });

  it("vigil findings lists and gets a stored hostile finding escaped, and an error naming a hostile file name too", async () => {
    const cwd = tempDir();
    const dir = join(cwd, "logs");
    mkdirSync(dir);
    copyFileSync(HOSTILE, join(dir, "a.json"));
    writeFileSync(join(dir, "b\u001b[2J\u202e.json"), "not json");
    const scan = await runCli(["scan", dir], { cwd });
    const list = await runCli(["findings", "list"], { cwd });
    const id = /iam-user-created:[0-9a-f]{24}/.exec(list.stdout)?.[0] as string;
    const show = await runCli(["findings", "get", id], { cwd });

    expect(scan.stderr).toContain("b\\x1b[2J\\u202e.json");
    for (const output of [scan.stdout, scan.stderr, list.stdout, list.stderr, show.stdout, show.stderr]) expect(output).not.toMatch(RAW_CONTROL);
    expect(show.stdout).toContain("backup\\u202egnp.exe\\r\\x9b2Jdone");
  });
});

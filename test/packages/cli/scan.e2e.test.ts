import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Finding } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES, REAL_CLOUDTRAIL } from "../../helpers/fixtures.ts";

const ROOT_LOGIN = join(FIXTURES, "rules/root-console-login/positive-without-mfa.json"); // CRITICAL
const ROOT_LOGIN_EB = join(FIXTURES, "rules/root-console-login/positive-with-mfa-eventbridge.json"); // HIGH
const CREATE_USER = join(FIXTURES, "rules/iam-user-created/positive-by-access-key.json"); // MEDIUM
const QUIET = join(FIXTURES, "rules/iam-user-created/negative-access-denied.json");

const records = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { Records: unknown[] }).Records;
const ids = (stdout: string) => (JSON.parse(stdout) as Finding[]).map((finding) => finding.ruleId).sort();

describe("CLI: vigil scan", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it("prints a table grouped by severity for a plain log file, and a summary line", async () => {
    const result = await runCli(["scan", ROOT_LOGIN, "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(" CRITICAL  1 finding");
    expect(result.stdout).toContain("root-console-login");
    expect(result.stdout).toContain("The root user signed in to the console from 203.0.113.77 without MFA.");
    expect(result.stdout).toMatch(/Scanned 1 file, 1 event \(0 skipped\) in [\d.]+s: \d+ findings? \(1 CRITICAL/);
    expect(result.stdout.split("\n").every((line) => line.length <= 80)).toBe(true);
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("reads gzip by content and gives the same findings as the plain file", async () => {
    const gz = join(dir, "111122223333_CloudTrail_us-east-1_20261120T0815Z_abc.json.gz");
    writeFileSync(gz, gzipSync(readFileSync(ROOT_LOGIN)));
    const plain = await runCli(["scan", ROOT_LOGIN, "--format", "json", "--store", "memory"]);
    const zipped = await runCli(["scan", gz, "--format", "json", "--store", "memory"]);
    expect(zipped.code).toBe(0);
    expect(ids(zipped.stdout)).toEqual(ids(plain.stdout));
    expect(ids(zipped.stdout)).toContain("root-console-login");
  });

  it("prints JSON findings with every documented field, and the summary on stderr", async () => {
    const result = await runCli(["scan", ROOT_LOGIN_EB, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    const [finding] = (JSON.parse(result.stdout) as Finding[]).filter((f) => f.ruleId === "root-console-login");
    expect(finding).toMatchObject({
      ruleId: "root-console-login",
      title: "Root user signed in to the console",
      severity: "HIGH",
      eventId: "a8b7c6d5-e4f3-4a2b-9c1d-0e9f8a7b6c5d",
      eventName: "ConsoleLogin",
      eventTime: "2026-11-20T09:02:41Z",
      account: "111122223333",
      region: "us-east-1",
      principal: "arn:aws:iam::111122223333:root",
      resource: "arn:aws:iam::111122223333:root",
    });
    expect(finding?.id).toMatch(/^root-console-login:[0-9a-f]{24}$/);
    expect(finding?.summary).toMatch(/\.$/);
    expect(finding?.remediation.length).toBeGreaterThan(20);
    expect(finding?.references.length).toBeGreaterThan(0);
    expect(result.stderr).toMatch(/Scanned 1 file, 1 event/);
  });

  it("reads JSON lines, reports a malformed line and a malformed record with their location, and keeps the rest", async () => {
    const file = join(dir, "events.jsonl");
    const bad = { ...(records(CREATE_USER)[0] as object), eventID: "bad-record", userIdentity: "x" };
    writeFileSync(
      file,
      [JSON.stringify(records(ROOT_LOGIN)[0]), "{this is not json", JSON.stringify(bad), readFileSync(ROOT_LOGIN_EB, "utf8").replace(/\n\s*/g, "")].join("\n"),
    );
    const result = await runCli(["scan", file, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${file}: line 2: invalid JSON`);
    expect(result.stderr).toContain(`${file}: line 3: invalid record: userIdentity: Invalid input: expected object, received string`);
    expect(result.stderr).toMatch(/Scanned 1 file, 3 events \(2 skipped\)/);
    const severities = (JSON.parse(result.stdout) as Finding[]).filter((f) => f.ruleId === "root-console-login").map((f) => f.severity);
    expect(severities.sort()).toEqual(["CRITICAL", "HIGH"]);
  });

  it("walks a directory recursively as CloudTrail lays it out, ignoring other files", async () => {
    const root = join(dir, "archive");
    const day = join(root, "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/20");
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, "111122223333_CloudTrail_us-east-1_20261120T0810Z_a.json.gz"), gzipSync(readFileSync(ROOT_LOGIN)));
    writeFileSync(join(day, "111122223333_CloudTrail_us-east-1_20261120T0820Z_b.json.gz"), gzipSync(readFileSync(CREATE_USER)));
    writeFileSync(join(root, "AWSLogs/111122223333/CloudTrail-Digest.txt"), "not an input");
    const result = await runCli(["scan", root, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(expect.arrayContaining(["iam-user-created", "root-console-login"]));
    expect(result.stderr).toMatch(/Scanned 2 files, 2 events \(0 skipped\)/);
  });

  it("follows symbolic links to files and directories in a walked directory, reading each real file once", async () => {
    const archive = join(dir, "synced-archive");
    const day = join(archive, "2026/11/20");
    mkdirSync(day, { recursive: true });
    writeFileSync(join(day, "a.json"), readFileSync(ROOT_LOGIN));
    const walked = join(dir, "walked");
    mkdirSync(walked);
    symlinkSync(CREATE_USER, join(walked, "create-user.json"));
    symlinkSync(archive, join(walked, "archive"));
    symlinkSync(day, join(walked, "latest")); // the same day again: read once
    symlinkSync(walked, join(walked, "loop")); // a cycle: walked once
    symlinkSync(join(dir, "gone"), join(walked, "gone.json"));
    const result = await runCli(["scan", walked, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toEqual(expect.arrayContaining(["iam-user-created", "root-console-login"]));
    expect(result.stderr).toContain(`${join(walked, "gone.json")}: cannot follow the symbolic link (ENOENT)`);
    expect(result.stderr).toMatch(/Scanned 2 files, 2 events \(0 skipped, 1 unreadable file\)/);
  });

  it("reports a directory it may not read and scans the rest", async () => {
    // Root reads any directory whatever its mode, so as root the CLI runs as nobody to meet a real EACCES.
    const asRoot = process.getuid?.() === 0;
    const nobody = asRoot ? { uid: Number(execFileSync("id", ["-u", "nobody"], { encoding: "utf8" })), gid: Number(execFileSync("id", ["-g", "nobody"], { encoding: "utf8" })) } : {};
    const root = tempDir();
    chmodSync(root, 0o755);
    writeFileSync(join(root, "a.json"), readFileSync(CREATE_USER));
    const locked = join(root, "locked");
    mkdirSync(locked);
    writeFileSync(join(locked, "b.json"), readFileSync(ROOT_LOGIN));
    chmodSync(locked, 0o000);
    const result = await runCli(["scan", root, "--format", "json", "--store", "memory"], { cwd: root, env: { HOME: root }, ...nobody });
    chmodSync(locked, 0o755);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${locked}: cannot read the directory (EACCES)`);
    expect(ids(result.stdout)).toContain("iam-user-created");
    expect(ids(result.stdout)).not.toContain("root-console-login");
    expect(result.stderr).toMatch(/Scanned 1 file, 1 event \(0 skipped, 1 unreadable file\)/);
  });

  it("reads standard input with -", async () => {
    const result = await runCli(["scan", "-", "--format", "json", "--store", "memory"], { stdin: gzipSync(readFileSync(CREATE_USER)) });
    expect(result.code).toBe(0);
    expect(ids(result.stdout)).toContain("iam-user-created");
  });

  it("reports an unreadable gzip file and goes on with the others", async () => {
    const broken = join(dir, "broken.json.gz");
    writeFileSync(broken, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]));
    const result = await runCli(["scan", broken, CREATE_USER, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${broken}: corrupt gzip`);
    expect(result.stderr).toMatch(/Scanned 1 file, 1 event \(0 skipped, 1 unreadable file\)/);
    expect(ids(result.stdout)).toContain("iam-user-created");
  });

  it("reports a file of arrays nested thousands deep and still prints and stores the other files' findings", async () => {
    const deep = join(dir, "deep.json");
    writeFileSync(deep, `${"[".repeat(5000)}${"]".repeat(5000)}`);
    const store = join(dir, "deep-store");
    const result = await runCli(["scan", deep, CREATE_USER, "--format", "json", "--store", store]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`${deep}: $[0][0][0]`);
    expect(result.stderr).toContain("arrays nested more than 32 deep");
    expect(ids(result.stdout)).toContain("iam-user-created");
    expect(result.stderr).toMatch(/Scanned 2 files, 1 event \(1 skipped\) in [\d.]+s: (\d+) findings? .*; \1 new in/);
  });

  it("--fail-on exits 1 at or above the level and 0 below it; --min-severity filters what is printed", async () => {
    expect((await runCli(["scan", ROOT_LOGIN, "--fail-on", "critical", "--store", "memory"])).code).toBe(1);
    expect((await runCli(["scan", CREATE_USER, "--fail-on", "HIGH", "--store", "memory"])).code).toBe(0);
    expect((await runCli(["scan", QUIET, "--fail-on", "INFO", "--store", "memory"])).code).toBe(0);
    const filtered = await runCli(["scan", ROOT_LOGIN, CREATE_USER, "--min-severity", "HIGH", "--format", "json", "--store", "memory"]);
    const findings = JSON.parse(filtered.stdout) as Finding[];
    expect(findings.length).toBeGreaterThan(0);
    expect(findings.every((f) => f.severity === "CRITICAL" || f.severity === "HIGH")).toBe(true);
    expect(filtered.stderr).toMatch(/at or above HIGH shown/);
  });

  it("with --fail-on, fails a scan that could not read all its input, however clean the rest: a gate never passes on data it did not read", async () => {
    const damaged = join(dir, "damaged-input");
    mkdirSync(damaged);
    writeFileSync(join(damaged, "quiet.json"), readFileSync(QUIET));
    writeFileSync(join(damaged, "truncated.json"), readFileSync(CREATE_USER, "utf8").slice(0, 200));

    const gated = await runCli(["scan", damaged, "--fail-on", "CRITICAL", "--store", "memory"]);
    const ungated = await runCli(["scan", damaged, "--store", "memory"]);

    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain("--fail-on: 1 input could not be read (see above), so this scan cannot pass");
    expect(ungated.code).toBe(0);
    expect(ungated.stderr).not.toContain("cannot pass");
  });

  it.each([
    [["scan"], "no PATH given"],
    [["scan", ROOT_LOGIN, "--format", "xml"], '--format: expected table, json, asff or ocsf, got "xml"'],
    [["scan", ROOT_LOGIN, "--fail-on", "SEVERE"], '--fail-on: expected CRITICAL, HIGH, MEDIUM, LOW or INFO, got "SEVERE"'],
    [["scan", ROOT_LOGIN, "--bogus"], "Unknown option '--bogus'"],
    [["scan", "/no/such/path.json"], "/no/such/path.json: no such file or directory"],
    [["scan", "--lookup-events", "--since", "100d"], "--since: LookupEvents keeps 90 days at most"],
    [["frobnicate"], 'unknown command "frobnicate"'],
  ])("exits 2 on the usage error %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it("checks every path exists before reading any, so a typo stores nothing", async () => {
    const many = join(dir, "many");
    mkdirSync(many);
    const [user] = records(CREATE_USER) as { eventID: string }[];
    // Ten files of 50 findings: more than a store batch, written while the next paths were still unchecked.
    for (let file = 0; file < 10; file++) {
      const batch = Array.from({ length: 50 }, (_, i) => ({ ...user, eventID: `user-${file}-${i}` }));
      writeFileSync(join(many, `users-${file}.json`), JSON.stringify({ Records: batch }));
    }
    const store = join(dir, "typo-store");
    const result = await runCli(["scan", many, "/no/such/dir", "--store", store, "--format", "json"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/no/such/dir: no such file or directory");
    expect(result.stdout).toBe("");
    const listed = await runCli(["findings", "--store", store, "--format", "json"]);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });

  it("exits 2 on a bad config file, naming the key", async () => {
    const config = join(dir, "bad-config.json");
    writeFileSync(config, JSON.stringify({ rules: { "console-login-failures": { threshold: -1 } }, trustedAccounts: ["123"] }));
    const result = await runCli(["scan", ROOT_LOGIN, "--config", config, "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}: trustedAccounts.0: must be a 12-digit AWS account id`);
  });

  it.each([["null"], ["[]"], ['"rules"']])("exits 2 on a config file holding %s instead of an object, naming the file", async (text) => {
    const config = join(dir, "not-an-object.json");
    writeFileSync(config, text);
    const result = await runCli(["scan", ROOT_LOGIN, "--config", config, "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${config}: expected a JSON object`);
    expect(result.stdout).toBe("");
  });

  it("applies a config file: a disabled rule stays quiet", async () => {
    const config = join(dir, "config.json");
    writeFileSync(config, JSON.stringify({ rules: { "root-console-login": { enabled: false } } }));
    const result = await runCli(["scan", ROOT_LOGIN, "--config", config, "--format", "json", "--store", "memory"]);
    expect(ids(result.stdout)).not.toContain("root-console-login");
  });

  it("says how many findings the configuration's ignore list silenced", async () => {
    const config = join(dir, "ignore-ci.json");
    writeFileSync(config, JSON.stringify({ ignore: [{ principal: "arn:aws:iam::*:user/ci-*", reason: "CI provisions users" }] }));
    const silenced = await runCli(["scan", CREATE_USER, "--config", config, "--store", "memory"]);
    expect(silenced.code).toBe(0);
    expect(silenced.stdout).toMatch(/: 0 findings \(1 ignored by the configuration\)\n$/);
    const mixed = await runCli(["scan", ROOT_LOGIN, CREATE_USER, "--config", config, "--store", "memory"]);
    expect(mixed.stdout).toMatch(/: 1 finding \(1 CRITICAL; 1 ignored by the configuration\)\n$/);
  });

  it("keeps findings in the embedded store without duplicates across rescans, and lists them", async () => {
    const store = join(dir, "store");
    const first = await runCli(["scan", ROOT_LOGIN, CREATE_USER, "--store", store, "--format", "json"]);
    expect(first.code).toBe(0);
    const count = (JSON.parse(first.stdout) as Finding[]).length;
    expect(first.stderr).toContain(`; ${count} new in ${join(store, "dynamodb")}`);
    const second = await runCli(["scan", CREATE_USER, ROOT_LOGIN, "--store", store, "--format", "json"]);
    expect(second.stderr).toContain("; 0 new in");
    expect((JSON.parse(second.stdout) as Finding[]).map((f) => f.id).sort()).toEqual((JSON.parse(first.stdout) as Finding[]).map((f) => f.id).sort());

    const listed = await runCli(["findings", "--store", store, "--format", "json"]);
    expect(listed.code).toBe(0);
    expect((JSON.parse(listed.stdout) as Finding[]).length).toBe(count);
    const critical = await runCli(["findings", "--store", store, "--severity", "critical", "--format", "json"]);
    expect((JSON.parse(critical.stdout) as Finding[]).map((f) => f.ruleId)).toEqual(["root-console-login"]);
    const byRule = await runCli(["findings", "--store", store, "--rule", "iam-user-created"]);
    expect(byRule.stdout).toContain("iam-user-created");
    expect(byRule.stdout).not.toContain("root-console-login");
  });

  it("stays quiet on a real attack dataset that is not an IAM-change attack", async () => {
    const result = await runCli(["scan", REAL_CLOUDTRAIL, "--format", "json", "--store", "memory"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Scanned 1 file, 103 events \(0 skipped\)/);
    // SSRF, stolen instance-role credentials and S3 reads: no root, no IAM writes, no sign-ins, no errors.
    expect(JSON.parse(result.stdout)).toEqual([]);
  });
});

describe("CLI: vigil rules", () => {
  it("lists every rule with severity and references, and the effective settings", async () => {
    const result = await runCli(["rules"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("root-console-login");
    expect(result.stdout).toContain("CIS 4.3");
    expect(result.stdout).toMatch(/\d+ rules, \d+ enabled\./);
    expect(result.stdout).toContain("Privileged groups: /admin/i");
  });

  it("shows configured overrides and ignored principals", async () => {
    const config = join(tempDir(), "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        trustedAccounts: ["444455556666"],
        rules: { "iam-user-created": { severity: "LOW", enabled: false } },
        ignore: [{ principal: "arn:aws:iam::*:role/BreakGlass", reason: "break-glass access, reviewed monthly" }],
      }),
    );
    const result = await runCli(["rules", "--config", config, "--format", "json"]);
    const parsed = JSON.parse(result.stdout) as { settings: { trustedAccounts: string[]; ignore: unknown[] }; rules: { id: string; severity: string; enabled: boolean }[] };
    expect(parsed.settings.trustedAccounts).toEqual(["444455556666"]);
    expect(parsed.settings.ignore).toEqual([{ principal: "arn:aws:iam::*:role/BreakGlass", reason: "break-glass access, reviewed monthly", expired: false }]);
    expect(parsed.rules.find((rule) => rule.id === "iam-user-created")).toMatchObject({ severity: "LOW", enabled: false });
  });

  describe("ignore entries", () => {
    const ignore = [
      { principal: "arn:aws:iam::*:role/deploy", userAgent: "*terraform*", reason: "IaC pipeline", owner: "platform-team", expires: "2999-12-31", rules: ["iam-user-created"] },
      { invokedBy: "cloudformation.amazonaws.com", sourceIp: ["203.0.113.0/24", "2001:db8::/32"], reason: "stack updates from the office", expires: "2020-01-31" },
    ];
    const configFile = () => {
      const file = join(tempDir(), "config.json");
      writeFileSync(file, JSON.stringify({ ignore }));
      return file;
    };

    it("lists each entry's matchers, rules, reason, owner and expiry, and marks an expired one", async () => {
      const result = await runCli(["rules", "--config", configFile()]);

      expect(result.stdout).toContain(
        [
          "Ignore entries:",
          "  ignore.0  principal arn:aws:iam::*:role/deploy  userAgent *terraform*  (iam-user-created): IaC pipeline",
          "    owner platform-team  expires 2999-12-31",
          "  ignore.1  invokedBy cloudformation.amazonaws.com  sourceIp 203.0.113.0/24, 2001:db8::/32  (all rules): stack updates from the office",
          "    EXPIRED 2020-01-31: no longer silences anything",
        ].join("\n"),
      );
    });

    it("gives each entry as the file has it, with expired, in JSON", async () => {
      const result = await runCli(["rules", "--config", configFile(), "--format", "json"]);

      expect((JSON.parse(result.stdout) as { settings: { ignore: unknown[] } }).settings.ignore).toEqual([
        { ...ignore[0], expired: false },
        { ...ignore[1], expired: true },
      ]);
    });
  });
});


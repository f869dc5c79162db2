import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@vigil/cli/src/openStore.ts";
import type { Finding } from "@vigil/core";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";

const DIR = join(FIXTURES, "posture-cli");
const REPORT = join(DIR, "credential-report.csv");
const NOW = "2026-11-22T12:00:00Z";
const OFFLINE = ["posture", "--credential-report", REPORT, "--now", NOW];

/** What a reader checks first: which check, how severe, about what. */
const found = (stdout: string) =>
  (JSON.parse(stdout) as Finding[]).map((finding) => `${finding.ruleId} ${finding.severity} ${finding.resource}`).sort();

const REPORT_FINDINGS = [
  "access-key-not-rotated MEDIUM arn:aws:iam::444455556666:user/legacy-sync",
  "access-key-not-rotated MEDIUM arn:aws:iam::444455556666:user/maria",
  "access-key-unused-since-creation LOW arn:aws:iam::444455556666:user/new-hire",
  "credentials-unused MEDIUM arn:aws:iam::444455556666:user/legacy-sync",
  "multiple-active-access-keys LOW arn:aws:iam::444455556666:user/automation/ci-bot",
  "root-access-keys-present CRITICAL arn:aws:iam::444455556666:root",
  "root-mfa-disabled CRITICAL arn:aws:iam::444455556666:root",
  "root-used-recently HIGH arn:aws:iam::444455556666:root",
  "user-console-without-mfa HIGH arn:aws:iam::444455556666:user/tom",
];

/** Checks whose input no downloaded file gives: skipped in every offline run. */
const LIVE_ONLY = ["user-has-direct-policies", "admin-policy-in-use", "no-support-role", "expired-server-certificates", "cloudtrail-not-healthy"];

/** The unused-access checks: they need --authorization-details (and Access Advisor's answers). */
const ACCESS_CHECKS = ["user-unused", "role-unused", "unused-services", "admin-unused"];
const UNGIVEN = [...LIVE_ONLY, ...ACCESS_CHECKS];

const skippedIds = (stderr: string) => [...stderr.matchAll(/^ {2}(\S+) {2,}needs /gm)].map((match) => match[1]).sort();

describe("CLI: vigil posture --credential-report (offline)", () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
  });

  it("prints the findings of a downloaded credential report at --now as JSON, the account taken from its ARNs", async () => {
    const result = await runCli([...OFFLINE, "--format", "json", "--store", "memory"]);

    expect(result.code).toBe(0);
    expect(found(result.stdout)).toEqual(REPORT_FINDINGS);
    const findings = JSON.parse(result.stdout) as Finding[];
    for (const finding of findings) {
      expect(finding).toMatchObject({ account: "444455556666", region: "us-east-1", status: "open", detectedAt: "2026-11-22T12:00:00.000Z", lastSeenAt: "2026-11-22T12:00:00.000Z" });
      expect(finding).not.toHaveProperty("eventId");
    }
    expect(findings.find((finding) => finding.ruleId === "credentials-unused")?.summary).toBe(
      "Access key 1 of legacy-sync has not been used for 205 days (last used 2026-05-01T03:00:00+00:00).",
    );
    expect(result.stderr).toMatch(/Checked account 444455556666 \(6 users\) from .*credential-report\.csv as of 2026-11-22T12:00:00\.000Z in [\d.]+s: 8 checks run, 10 skipped: 9 findings \(2 CRITICAL, 2 HIGH, 3 MEDIUM, 2 LOW\)\n$/);

    const again = await runCli([...OFFLINE, "--format", "json", "--store", "memory"]);
    expect(again.stdout).toBe(result.stdout);
  });

  it("prints a table grouped by severity like scan, with the summary line counting findings by severity", async () => {
    const result = await runCli([...OFFLINE, "--store", "memory", "--min-severity", "HIGH"]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(" CRITICAL  2 findings");
    expect(result.stdout).toContain(" HIGH  2 findings");
    const table = result.stdout.slice(0, result.stdout.lastIndexOf("Checked account"));
    expect(table).not.toMatch(/MEDIUM|LOW/);
    expect(result.stdout).toContain("IAM user tom has a console password (last used 1 day ago) and no MFA device.");
    expect(result.stdout).toContain("resource: arn:aws:iam::444455556666:user/tom");
    expect(result.stdout).toMatch(/: 9 findings \(2 CRITICAL, 2 HIGH, 3 MEDIUM, 2 LOW\), 4 at or above HIGH shown\n$/);
    expect(result.stdout.split("\n").slice(0, -2).every((line) => line.length <= 80)).toBe(true);
  });

  it("lists each skipped check and why on stderr, and says which inputs only the live account gives", async () => {
    const result = await runCli([...OFFLINE, "--store", "memory", "--format", "json"]);

    expect(skippedIds(result.stderr)).toEqual(["password-policy-weak", ...UNGIVEN].sort());
    expect(result.stderr).toMatch(/^Skipped 10 checks:$/m);
    expect(result.stderr).toMatch(/^ {2}password-policy-weak {2,}needs the password policy/m);
    expect(result.stderr).toMatch(/^ {2}cloudtrail-not-healthy {2,}needs the CloudTrail trails/m);
    expect(result.stderr).toContain("Offline, the checks read only the credential report, --password-policy, --account-summary, --authorization-details and --last-accessed");
  });

  it("reads the password policy and account summary as the AWS CLI writes them", async () => {
    const result = await runCli([
      ...OFFLINE,
      "--password-policy", join(DIR, "password-policy.json"),
      "--account-summary", join(DIR, "account-summary.json"),
      "--format", "json", "--store", "memory",
    ]);

    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as Finding[];
    expect(findings.find((finding) => finding.ruleId === "password-policy-weak")?.summary).toBe(
      "The account password policy is below CIS: its minimum password length 12 is below 14, and it does not prevent password reuse (required: the last 24).",
    );
    // The summary's AccountMFAEnabled 1 outranks the report's root mfa_active false.
    expect(found(result.stdout)).toEqual(
      [...REPORT_FINDINGS.filter((line) => !line.startsWith("root-mfa-disabled")), "password-policy-weak MEDIUM arn:aws:iam::444455556666:root"].sort(),
    );
    expect(skippedIds(result.stderr)).toEqual([...UNGIVEN].sort());
  });

  it("reads the authorization details and Access Advisor's answers as the AWS CLI writes them, judging only the principals given", async () => {
    const adminRole = "arn:aws:iam::444455556666:role/platform-admin";
    const result = await runCli([
      ...OFFLINE,
      "--authorization-details", join(DIR, "authorization-details.json"),
      "--last-accessed", `${adminRole}=${join(DIR, "last-accessed-platform-admin.json")}`,
      "--format", "json", "--store", "memory",
    ]);

    expect(result.code).toBe(0);
    const findings = JSON.parse(result.stdout) as Finding[];
    expect(found(result.stdout)).toEqual(
      [
        ...REPORT_FINDINGS,
        "admin-unused HIGH arn:aws:iam::444455556666:role/platform-admin",
        "role-unused LOW arn:aws:iam::444455556666:role/reporting",
        "user-unused MEDIUM arn:aws:iam::444455556666:user/legacy-sync",
      ].sort(),
    );
    expect(findings.find((finding) => finding.ruleId === "admin-unused")?.summary).toBe(
      "Role platform-admin holds full administration (arn:aws:iam::aws:policy/AdministratorAccess) and has used only 2 services (ec2, s3) in 90 days.",
    );
    expect(findings.find((finding) => finding.ruleId === "user-unused")?.summary).toBe(
      "IAM user legacy-sync has not signed in or used an access key for 205 days (last access key 1 use 2026-05-01T03:00:00+00:00) and still holds 1 policy: sync.",
    );
    expect(skippedIds(result.stderr)).toEqual(["password-policy-weak", ...LIVE_ONLY].sort());

    const inProgress = join(dir, "in-progress.json");
    writeFileSync(inProgress, JSON.stringify({ JobStatus: "IN_PROGRESS", JobType: "ACTION_LEVEL", JobCreationDate: "2026-11-22T11:40:01Z", ServicesLastAccessed: [] }));
    const early = await runCli([...OFFLINE, "--authorization-details", join(DIR, "authorization-details.json"), "--last-accessed", `${adminRole}=${inProgress}`, "--store", "memory"]);
    expect(early.code).toBe(2);
    expect(early.stderr).toContain('JobStatus: the job is "IN_PROGRESS"; read it again once it is COMPLETED');

    const elsewhere = await runCli([...OFFLINE, "--last-accessed", `arn:aws:iam::111122223333:role/x=${inProgress}`, "--store", "memory"]);
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain("--last-accessed: arn:aws:iam::111122223333:role/x is not in account 444455556666");
  });

  it("takes --password-policy none as an account without a password policy", async () => {
    const result = await runCli([...OFFLINE, "--password-policy", "none", "--format", "json", "--store", "memory"]);

    expect(result.code).toBe(0);
    const weak = (JSON.parse(result.stdout) as Finding[]).find((finding) => finding.ruleId === "password-policy-weak");
    expect(weak?.summary).toMatch(/^The account has no password policy/);
    expect(skippedIds(result.stderr)).not.toContain("password-policy-weak");
  });

  it("applies --config to the checks: thresholds, a disabled check, an ignored principal", async () => {
    const config = join(dir, "posture-config.json");
    writeFileSync(
      config,
      JSON.stringify({
        rules: { "credentials-unused": { maxUnusedDays: 365 }, "access-key-not-rotated": { enabled: false } },
        ignore: [{ principal: "arn:aws:iam::444455556666:user/automation/*", reason: "CI users are rotated by the pipeline" }],
      }),
    );
    const result = await runCli([...OFFLINE, "--config", config, "--format", "json", "--store", "memory"]);

    expect(result.code).toBe(0);
    expect(found(result.stdout)).toEqual(
      REPORT_FINDINGS.filter((line) => !/^(credentials-unused|access-key-not-rotated|multiple-active-access-keys) /.test(line)),
    );
    expect(result.stderr).toMatch(/: 7 checks run, 10 skipped: 5 findings/);
  });

  it("exits 1 with --fail-on when a finding is at or above it, and 0 on a clean report", async () => {
    const failing = await runCli([...OFFLINE, "--store", "memory", "--fail-on", "CRITICAL"]);
    expect(failing.code).toBe(1);

    const lines = readFileSync(REPORT, "utf8").split("\n");
    const [header, sam] = [lines[0], lines.find((line) => line.startsWith("sam,"))];
    const root =
      "<root_account>,arn:aws:iam::444455556666:root,2020-02-01T10:00:00+00:00,not_supported,2026-06-01T08:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
    const clean = join(dir, "clean-report.csv");
    writeFileSync(clean, [header, root, sam, ""].join("\n"));
    const passing = await runCli(["posture", "--credential-report", clean, "--now", NOW, "--store", "memory", "--fail-on", "LOW"]);
    expect(passing.code).toBe(0);
    expect(passing.stdout).toMatch(/^No findings\.\nChecked account 444455556666 \(1 user\) .*: 8 checks run, 10 skipped: 0 findings\n$/);
  });

  it("exits 2 on a malformed report, naming the file, the line and the column", async () => {
    const file = join(DIR, "malformed-report.csv");
    const result = await runCli(["posture", "--credential-report", file, "--store", "memory"]);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`vigil posture: ${file}: line 4, column mfa_active: expected true or false, got "maybe"\n`);
    expect(result.stdout).toBe("");
  });

  it("exits 2 on a policy file that is not valid JSON or not a password policy, naming the line and column or the field", async () => {
    const broken = join(dir, "broken-policy.json");
    writeFileSync(broken, '{\n    "PasswordPolicy": {\n        "MinimumPasswordLength": 14,\n    }\n}\n');
    const syntax = await runCli([...OFFLINE, "--password-policy", broken, "--store", "memory"]);
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(new RegExp(`vigil posture: ${broken}: line 4, column 5: invalid JSON: `));

    const wrong = join(dir, "wrong-policy.json");
    writeFileSync(wrong, JSON.stringify({ PasswordPolicy: { MinimumPasswordLength: "14" } }));
    const field = await runCli([...OFFLINE, "--password-policy", wrong, "--store", "memory"]);
    expect(field.code).toBe(2);
    expect(field.stderr).toMatch(new RegExp(`vigil posture: ${wrong}: PasswordPolicy\\.MinimumPasswordLength: .*expected number`));

    const empty = join(dir, "empty-policy.json");
    writeFileSync(empty, "");
    const nothing = await runCli([...OFFLINE, "--password-policy", empty, "--store", "memory"]);
    expect(nothing.code).toBe(2);
    expect(nothing.stderr).toContain("pass --password-policy none");
  });

  it("exits 2 on options that need --credential-report, and on an --account the report's ARNs contradict", async () => {
    const live = await runCli(["posture", "--now", NOW, "--store", "memory"]);
    expect(live.code).toBe(2);
    expect(live.stderr).toContain("vigil posture: --now goes with --credential-report");

    const other = await runCli([...OFFLINE, "--account", "111122223333", "--store", "memory"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("its ARNs are in account 444455556666, not --account 111122223333");
  });

  it("keeps the findings in --store DIR with their lifecycle: new, seen again, resolved when gone, reopened when back", async () => {
    const cwd = tempDir();
    const store = ["--store", "store"];
    const run = async (report: string, now: string, extra: string[] = []) => {
      const result = await runCli(["posture", "--credential-report", report, "--now", now, ...store, ...extra], { cwd });
      expect(result.code).toBe(0);
      return /; (\d+ new, \d+ seen again, \d+ reopened, \d+ resolved) in .*store/.exec(result.stdout)?.[1];
    };
    const withoutLegacySync = join(cwd, "report-without-legacy-sync.csv");
    writeFileSync(withoutLegacySync, readFileSync(REPORT, "utf8").split("\n").filter((line) => !line.startsWith("legacy-sync,")).join("\n"));
    const disabled = join(cwd, "config.json");
    writeFileSync(disabled, JSON.stringify({ rules: { "access-key-not-rotated": { enabled: false } } }));

    expect(await run(REPORT, NOW)).toBe("9 new, 0 seen again, 0 reopened, 0 resolved");
    // A check that did not run saw nothing, so its two findings stay as they are.
    expect(await run(REPORT, NOW, ["--config", disabled])).toBe("0 new, 7 seen again, 0 reopened, 0 resolved");
    // legacy-sync deleted: its unused key and its old key are resolved.
    expect(await run(withoutLegacySync, "2026-11-23T12:00:00Z")).toBe("0 new, 7 seen again, 0 reopened, 2 resolved");
    expect(await run(REPORT, "2026-11-24T12:00:00Z")).toBe("0 new, 7 seen again, 2 reopened, 0 resolved");

    const opened = await openStore(join(cwd, "store"));
    try {
      const page = await opened.store.reader.listFindings({ limit: 100 });
      expect(page.items.map((finding) => `${finding.ruleId} ${finding.severity} ${finding.resource}`).sort()).toEqual(REPORT_FINDINGS);
      expect(new Set(page.items.map((finding) => finding.status))).toEqual(new Set(["open"]));
      const legacy = page.items.find((finding) => finding.ruleId === "credentials-unused");
      expect(legacy?.lastSeenAt).toBe("2026-11-24T12:00:00.000Z");
      const history = (await opened.store.reader.getHistory(legacy?.id as string))?.map((entry) => `${entry.action} ${entry.at}`);
      expect(history).toEqual(expect.arrayContaining(["resolve 2026-11-23T12:00:00.000Z", "reopen 2026-11-24T12:00:00.000Z"]));
    } finally {
      await opened.close();
    }
  });
});

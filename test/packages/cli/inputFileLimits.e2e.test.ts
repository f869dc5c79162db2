import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../helpers/cli.ts";
import { FIXTURES } from "../../helpers/fixtures.ts";

const CREATE_USER = join(FIXTURES, "rules/iam-user-created/positive-by-access-key.json");
const REPORT = join(FIXTURES, "posture-cli", "credential-report.csv");

// /dev/zero has no end and no size to stat: only a read that stops at its limit gets past it.
describe("CLI: files read whole (configuration, posture inputs) stop at their limit", { timeout: 60_000 }, () => {
  it("refuses a --config past 1 MiB, naming it and the limit, before reading any log", async () => {
    const result = await runCli(["scan", CREATE_USER, "--config", "/dev/zero", "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/dev/zero: size exceeds 1 MiB; is this the configuration file?");
  });

  it("refuses a vigil doctor stage configuration past 1 MiB, before any AWS call", async () => {
    const result = await runCli(["doctor", "--stage", "prod", "--config", "/dev/zero"], { env: { AWS_ACCESS_KEY_ID: "", AWS_SECRET_ACCESS_KEY: "", AWS_PROFILE: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/dev/zero: size exceeds 1 MiB; is this the stage configuration?");
  });

  it("refuses a credential report past 64 MiB, naming it and the limit", async () => {
    const result = await runCli(["posture", "--credential-report", "/dev/zero", "--account", "111122223333", "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/dev/zero: size exceeds 64 MiB; is this the right file?");
  });

  it("refuses a password policy or account summary past 1 MiB, naming it and the limit", async () => {
    const result = await runCli(["posture", "--credential-report", REPORT, "--account-summary", "/dev/zero", "--store", "memory"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("/dev/zero: size exceeds 1 MiB; is this the right file?");
  });
});

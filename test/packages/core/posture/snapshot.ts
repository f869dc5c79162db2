import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type AccountSnapshot, catalogue, type ConfigInput, type Finding, type PostureRun, resolveConfig, runPostureChecks } from "@vigil/core";
import { FIXTURES, loadFixture } from "../../../helpers/fixtures.ts";

/** The instant the posture fixtures' ages are counted from (see test/fixtures/posture/README.md). */
export const NOW = new Date("2026-11-22T12:00:00.000Z");
export const ACCOUNT = "111122223333";
export const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
export const user = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;

export function credentialReport(file = "credential-report.csv"): string {
  return readFileSync(join(FIXTURES, "posture", file), "utf8");
}

/** The fixture report with some of its data rows (found by user name) replaced or removed. */
export function reportWith(rows: Record<string, string | undefined>): string {
  const lines = credentialReport().trimEnd().split("\n");
  const kept = lines.flatMap((line) => {
    const name = line.slice(0, line.indexOf(","));
    if (!(name in rows)) return [line];
    const replacement = rows[name];
    return replacement === undefined ? [] : [replacement];
  });
  return `${kept.join("\n")}\n`;
}

export const passwordPolicy = (name: "weak" | "strong" | "absent") =>
  loadFixture<{ PasswordPolicy: NonNullable<AccountSnapshot["passwordPolicy"]> } | null>(`posture/password-policy-${name}.json`)?.PasswordPolicy ?? null;

export const accountSummary = (name: "root-exposed" | "root-secured") =>
  loadFixture<{ SummaryMap: Record<string, number> }>(`posture/account-summary-${name}.json`).SummaryMap;

/** The account's users, groups, roles and policies as `aws iam get-account-authorization-details` writes them. */
export const authorizationDetails = () => loadFixture<NonNullable<AccountSnapshot["authorizationDetails"]>>("posture/authorization-details.json");

/** Access Advisor for deploy, ops-admin and alice (see test/fixtures/posture/README.md). */
export const serviceLastAccessed = () => loadFixture<NonNullable<AccountSnapshot["serviceLastAccessed"]>>("posture/service-last-accessed.json");

export const role = (name: string) => `arn:aws:iam::${ACCOUNT}:role/${name}`;

export function snapshot(parts: Partial<AccountSnapshot> = {}): AccountSnapshot {
  return { account: ACCOUNT, region: "eu-west-1", ...parts };
}

export function run(value: AccountSnapshot, options: { config?: ConfigInput; now?: Date } = {}): PostureRun {
  return runPostureChecks(value, { config: resolveConfig(options.config ?? {}, catalogue), now: options.now ?? NOW });
}

/** The findings of one check, in the check's order. */
export function findingsOf(checkId: string, value: AccountSnapshot, options: { config?: ConfigInput; now?: Date } = {}): Finding[] {
  return run(value, options).findings.filter((finding) => finding.ruleId === checkId);
}

export const summaries = (findings: readonly Finding[]) => findings.map((finding) => finding.summary);

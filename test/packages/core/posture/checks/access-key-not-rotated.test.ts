import { ConfigError, catalogue, resolveConfig } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { credentialReport, findingsOf, NOW, snapshot, user } from "../snapshot.ts";

const ID = "access-key-not-rotated";
const report = () => snapshot({ credentialReportCsv: credentialReport() });
const DAY = 86_400_000;

describe("Check: access-key-not-rotated", () => {
  it("reminds from day 80 (LOW) and reports from day 90 (MEDIUM); day 79 is silent", () => {
    const findings = findingsOf(ID, report());
    expect(findings.map(({ severity, principal, summary }) => ({ severity, principal, summary }))).toEqual([
      { severity: "MEDIUM", principal: user("alice"), summary: "Access key 1 of alice is 97 days old; keys should be rotated within 90 days." },
      {
        severity: "LOW",
        principal: user("bob"),
        summary: "Access key 1 of bob is 80 days old: rotate it within 10 days (keys should be rotated within 90 days).",
      },
      {
        severity: "LOW",
        principal: user("erin"),
        summary: "Access key 1 of erin is 89 days old: rotate it within 1 day (keys should be rotated within 90 days).",
      },
      { severity: "MEDIUM", principal: user("engineering/frank"), summary: "Access key 1 of frank is 90 days old; keys should be rotated within 90 days." },
    ]);
    expect(findings.some((finding) => finding.principal === user("grace"))).toBe(false);
    expect(findings[0]?.details).toMatchObject({ slot: 1, ageDays: 97, lastRotated: "2026-08-17T12:00:00+00:00", maxAgeDays: 90, reminderDays: 80 });
  });

  it("keeps the reminder's id while it is due, and gives the overdue finding its own id", () => {
    const bob = (now: Date) => findingsOf(ID, report(), { now }).find((finding) => finding.principal === user("bob"));
    const day80 = bob(NOW);
    const day85 = bob(new Date(NOW.getTime() + 5 * DAY));
    const day90 = bob(new Date(NOW.getTime() + 10 * DAY));
    expect(day85?.id).toBe(day80?.id);
    expect(day90?.severity).toBe("MEDIUM");
    expect(day90?.id).not.toBe(day80?.id);
  });

  it("follows maxAgeDays and reminderDays, and gives no reminder when they are equal", () => {
    const findings = findingsOf(ID, report(), { config: { rules: { [ID]: { maxAgeDays: 97, reminderDays: 97 } } } });
    expect(findings.map((finding) => [finding.principal, finding.severity])).toEqual([[user("alice"), "MEDIUM"]]);
  });

  it("rejects a reminder after the limit, naming the key", () => {
    expect(() => resolveConfig({ rules: { [ID]: { maxAgeDays: 60, reminderDays: 80 } } }, catalogue)).toThrow(ConfigError);
    expect(() => resolveConfig({ rules: { [ID]: { maxAgeDays: 60, reminderDays: 80 } } }, catalogue)).toThrow(
      "rules.access-key-not-rotated.reminderDays: must not exceed maxAgeDays",
    );
  });
});

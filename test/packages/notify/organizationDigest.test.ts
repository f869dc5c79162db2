import { type Severity, SEVERITIES } from "@vigil/core";
import { formatOrganizationDigest, MAX_PUBLISH_BYTES, type OrganizationDigestAccount, organizationDigestPublishInput, publishBytes } from "@vigil/notify";
import { describe, expect, it } from "vitest";
import { postureFinding } from "../../helpers/postureFinding.ts";

const TOPIC_ARN = "arn:aws:sns:us-east-1:200000000000:vigil-prod-findings";
const RUN_AT = "2026-12-05T06:00:00.000Z";
const inventory = { source: "organizations" as const, refreshedAt: RUN_AT };
const id = (index: number) => String(200000000000 + index);

/** An account's run: `created` new findings of `severity`, `open` still open, `resolved` resolved, with a long name and long resources. */
function accountRun(index: number, counts: { created?: number; open?: number; resolved?: number; severity?: Severity } = {}): OrganizationDigestAccount {
  const account = id(index);
  const findings = (kind: string, count: number) =>
    Array.from({ length: count }, (_, n) => postureFinding(`check-${kind}`, `${"team-".repeat(20)}${n}`, { account, severity: counts.severity ?? "HIGH" }));
  return {
    account,
    accountName: `workload-${index} ${"ü".repeat(80)}`,
    created: findings("new", counts.created ?? 0),
    reopened: [],
    resolved: findings("gone", counts.resolved ?? 0),
    stillOpen: findings("open", counts.open ?? 0),
    skipped: [],
    problems: [],
  };
}

describe("formatOrganizationDigest", () => {
  it("counts by account and severity, lists the accounts not read with why, and the new findings with their account", () => {
    // Act
    const digest = formatOrganizationDigest({
      organizationId: "o-a1b2c3d4e5",
      region: "us-east-1",
      runAt: RUN_AT,
      inventory,
      accounts: [accountRun(1, { created: 1, severity: "CRITICAL", open: 2 }), accountRun(2, { resolved: 3 }), accountRun(3)],
      notRead: [{ account: id(4), accountName: "sandbox", reason: "role-unavailable", detail: "the audit role arn:aws:iam::200000000004:role/VigilAudit could not be assumed" }],
    });

    // Assess
    expect(digest.subject).toBe("[Vigil posture] 1 new (highest CRITICAL), 3 resolved, 2 still open; 1 not read (o-a1b2c3d4e5)");
    expect(digest.severity).toBe("CRITICAL");
    expect(digest.message.totals).toMatchObject({ accountsRead: 3, accountsNotRead: 1, new: { CRITICAL: 1, HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 } });
    // The account with nothing to report is left out of the lines, not the totals.
    expect(digest.message.accounts.map((line) => line.account)).toEqual([id(1), id(2)]);
    expect(digest.message.accounts[0]).toMatchObject({ new: { CRITICAL: 1 }, stillOpen: { CRITICAL: 2 }, resolved: 0 });
    expect(digest.message.new[0]).toMatchObject({ account: id(1), accountName: expect.stringMatching(/^workload-1 ü+\.\.\.$/), severity: "CRITICAL" });
    expect(digest.text).toContain("Accounts not read (none of their findings changed)\n- 200000000004 (sandbox): the audit role arn:aws:iam::200000000004:role/VigilAudit could not be assumed");
    expect(digest.text).toContain("- 200000000002 (workload-2");
  });

  it("stays under SNS's 256 KB for 1,000 accounts, each with findings or unreadable, ending its lists with 'and N more'", () => {
    // Prepare: 600 accounts each with 5 new and 10 open findings, 400 that could not be read, with long details.
    const accounts = Array.from({ length: 600 }, (_, index) => accountRun(index, { created: 5, open: 10, resolved: 2 }));
    const notRead = Array.from({ length: 400 }, (_, index) => ({ account: id(600 + index), accountName: `x${"y".repeat(200)}`, reason: "throttled", detail: `AWS was still throttling after the retries (${"z".repeat(2000)})` }));

    // Act
    const digest = formatOrganizationDigest({ organizationId: "o-a1b2c3d4e5", region: "us-east-1", runAt: RUN_AT, inventory, accounts, notRead });
    const input = organizationDigestPublishInput(digest, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThan(MAX_PUBLISH_BYTES);
    expect(digest.message.totals.accountsRead).toBe(600);
    expect(SEVERITIES.reduce((sum, severity) => sum + digest.message.totals.new[severity], 0)).toBe(3000);
    expect(digest.message.omitted).toEqual({ accounts: 500, notRead: 300, new: 2950 });
    expect(digest.text).toContain("- and 300 more accounts not read");
    expect(digest.text).toContain("- and 2950 more (list them with the findings API or CLI)");
    expect(digest.text).toContain("- and 500 more accounts with findings");
    expect(input.MessageAttributes).toMatchObject({ kind: { StringValue: "digest" }, ruleId: { StringValue: "posture-digest" }, organization: { StringValue: "o-a1b2c3d4e5" } });
  });
});

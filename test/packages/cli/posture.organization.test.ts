import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { AssumeRoleCommand, GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { main } from "@vigil/cli";
import type { Finding } from "@vigil/core";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { captureIo } from "../../helpers/io.ts";
import { MANAGEMENT_ACCOUNT_ID, mockOrganizations, ORGANIZATION_ID, ouPathOf, simulatedOrganization } from "../../helpers/organization.ts";
import { type SimulatedAccountState, simulateAccounts } from "../monitor/simulatedAccounts.ts";

const organization = simulatedOrganization(12);
organization.accounts.find((account) => account.id === "200000000005")!.state = "SUSPENDED";
mockOrganizations(organization, OrganizationsClient as unknown as OrganizationsClient);
const states = new Map<string, SimulatedAccountState>();
// Run from the management account: it is read with the caller's own credentials.
const simulated = simulateAccounts({ homeAccount: MANAGEMENT_ACCOUNT_ID, stateOf: (account) => states.get(account) });
const ORG = ["posture", "--organization", "--region", "us-east-1", "--store", "memory"];

describe("CLI: vigil posture --organization", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-12-05T06:00:00.000Z"));
    states.clear();
    simulated.sts.resetHistory();
    simulated.sts.on(GetCallerIdentityCommand).resolves({ UserId: "AIDA6ON6E4XESECURITY1", Account: MANAGEMENT_ACCOUNT_ID, Arn: `arn:aws:iam::${MANAGEMENT_ACCOUNT_ID}:user/security/auditor` });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("checks every ACTIVE account through the role named, prints their findings with their account, and says which it could not read", async () => {
    // Prepare
    states.set("200000000003", { trouble: "role-missing" });
    states.set("200000000008", { rootMfa: false });
    const { io, out } = captureIo();

    // Act
    const code = await main([...ORG, "--role-name", "OrganizationAccountAccessRole", "--concurrency", "4", "--format", "json", "--fail-on", "CRITICAL"], io);

    // Assess
    expect(code).toBe(1);
    const findings = JSON.parse(out.stdout) as Finding[];
    expect(findings.map((finding) => [finding.ruleId, finding.account, finding.accountName, finding.ouPath])).toEqual([
      ["root-mfa-disabled", "200000000008", "workload-8", ouPathOf(organization, "200000000008")],
    ]);
    const roles = simulated.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);
    expect(roles).toHaveLength(12 - 1 /* suspended */ - 1 /* the caller's own */);
    expect(roles.every((arn) => /^arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole$/.test(arn ?? ""))).toBe(true);
    expect(out.stderr).toContain(`Accounts of organization ${ORGANIZATION_ID}:`);
    expect(out.stderr).toMatch(/ {2}111111111111 \(management\) \[your account\]: 15 API calls, 18 checks run, 0 skipped: 0 findings\n/);
    expect(out.stderr).toMatch(/ {2}200000000003 \(workload-3\): NOT READ: account 200000000003: the audit role arn:aws:iam::200000000003:role\/OrganizationAccountAccessRole could not be assumed/);
    expect(out.stderr).toContain("  200000000005 (workload-5): NOT READ: the account is SUSPENDED; only ACTIVE accounts are read\n");
    expect(out.stderr).toMatch(/Checked 10 accounts of organization o-a1b2c3d4e5 in us-east-1, 2 not read, in [\d.]+s: 1 finding \(1 CRITICAL\)\n$/);
  });

  it("fails --fail-on when an account could not be read, even with no finding at that level", async () => {
    states.set("200000000003", { trouble: "reads-denied" });
    const { io } = captureIo();
    expect(await main([...ORG, "--fail-on", "CRITICAL"], io)).toBe(1);
  });

  it.each([
    [["posture", "--role-name", "VigilAudit"], /--role-name goes with --organization/],
    [[...ORG, "--concurrency", "0"], /--concurrency: expected a whole number from 1 to 100, got "0"/],
    [[...ORG, "--credential-report", "report.csv"], /--organization reads the accounts live; it does not go with --credential-report/],
  ])("refuses %j", async (argv, message) => {
    const { io, out } = captureIo();
    expect(await main(argv, io)).toBe(2);
    expect(out.stderr).toMatch(message);
  });
});

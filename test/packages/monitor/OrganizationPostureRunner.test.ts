import { DescribeOrganizationCommand } from "@aws-sdk/client-organizations";
import { InternalErrorException, PublishCommand, type PublishCommandInput } from "@aws-sdk/client-sns";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { OrganizationUnreadableError } from "@vigil/monitor";
import type { OrganizationDigestMessage } from "@vigil/notify";
import { beforeEach, describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { MANAGEMENT_ACCOUNT_ID, ORGANIZATION_ID, ouPathOf, simulatedOrganization } from "../../helpers/organization.ts";
import { deployOrganization, HOME } from "./organizationDeployment.ts";
import { type SimulatedAccountState, simulateAccounts } from "./simulatedAccounts.ts";

const dynalite = useDynalite();
const DAY = 86_400_000;
const RUN_1 = new Date("2026-12-05T06:00:00.000Z");

const states = new Map<string, SimulatedAccountState>();
const simulated = simulateAccounts({ homeAccount: HOME, stateOf: (account) => states.get(account) });

beforeEach(() => {
  states.clear();
  simulated.sts.resetHistory();
  simulated.iam.resetHistory();
});

const isDigest = (input: PublishCommandInput) => input.MessageAttributes?.kind?.StringValue === "digest";
const digestOf = (published: PublishCommandInput[]) => {
  const digests = published.filter(isDigest);
  expect(digests).toHaveLength(1);
  return JSON.parse(JSON.parse(digests[0]?.Message as string).default) as OrganizationDigestMessage;
};
const assumedAccounts = () => simulated.sts.commandCalls(AssumeRoleCommand).map((call) => /::(\d{12}):/.exec(call.args[0].input.RoleArn ?? "")?.[1]);

describe("OrganizationPostureRunner", () => {
  it("reads every ACTIVE account of a few hundred through its audit role, and reports those it could not read, in words", async () => {
    // Prepare: 200 accounts; the ids follow simulatedOrganization (200000000000 + index).
    const organization = simulatedOrganization(200);
    const id = (index: number) => String(200000000000 + index);
    states.set(id(11), { trouble: "role-missing" });
    states.set(id(12), { trouble: "region-disabled" });
    states.set(id(13), { trouble: "throttled" });
    states.set(id(14), { trouble: "reads-denied" });
    for (const index of [20, 21, 22]) states.set(id(index), { rootMfa: false });
    states.set(MANAGEMENT_ACCOUNT_ID, { rootMfa: false });
    organization.accounts.find((account) => account.id === id(30))!.state = "SUSPENDED";
    organization.accounts.find((account) => account.id === id(31))!.state = "PENDING_CLOSURE";
    const deployment = await deployOrganization(dynalite(), organization, { now: RUN_1 });

    // Act
    const report = await deployment.run();

    // Assess: 194 read, 6 not, each with its reason.
    expect(report.inventory.source).toBe("organizations");
    expect(report.accounts).toHaveLength(194);
    const notRead = Object.fromEntries(report.notRead.map((entry) => [entry.account, entry]));
    expect(Object.keys(notRead).sort()).toEqual([id(11), id(12), id(13), id(14), id(30), id(31)]);
    expect(notRead[id(11)]).toMatchObject({ reason: "role-unavailable", accountName: "workload-11" });
    expect(notRead[id(11)]?.detail).toMatch(/audit role arn:aws:iam::200000000011:role\/VigilAudit could not be assumed: it is missing .* or its trust policy does not allow Vigil/);
    expect(notRead[id(12)]).toMatchObject({ reason: "region-disabled", detail: expect.stringMatching(/STS is not activated in us-east-1/) });
    expect(notRead[id(13)]).toMatchObject({ reason: "throttled", detail: expect.stringMatching(/still throttling after the retries/) });
    expect(notRead[id(14)]).toMatchObject({ reason: "reads-denied", detail: expect.stringMatching(/every read was refused/) });
    expect(notRead[id(30)]).toMatchObject({ reason: "not-active", detail: "the account is SUSPENDED; only ACTIVE accounts are read" });
    expect(notRead[id(31)]).toMatchObject({ reason: "not-active", detail: "the account is PENDING_CLOSURE; only ACTIVE accounts are read" });

    // The home account with the function's own credentials, every other one (the management account too) through its role, once each.
    const assumed = assumedAccounts();
    expect(assumed).not.toContain(HOME);
    expect(assumed).toContain(MANAGEMENT_ACCOUNT_ID);
    expect(new Set(assumed).size).toBe(assumed.length);
    expect(assumed).toHaveLength(200 - 2 /* not ACTIVE */ - 1 /* home */);
    expect(simulated.sts.commandCalls(AssumeRoleCommand)[0]?.args[0].input).toEqual({ RoleArn: expect.stringMatching(/^arn:aws:iam::\d{12}:role\/VigilAudit$/), RoleSessionName: "vigil-posture", DurationSeconds: 900 });

    // The same calls for every clean account: a few per account, none per user.
    const calls = new Set(report.accounts.filter((account) => account.account !== HOME).map((account) => JSON.stringify(account.calls)));
    expect(calls.size).toBe(1);

    // Root without MFA in four accounts: four CRITICAL findings, each published alone before the one digest, placed in its account.
    const critical = report.accounts.flatMap((account) => account.created).filter((finding) => finding.severity === "CRITICAL");
    expect(critical.map((finding) => finding.account).sort()).toEqual([MANAGEMENT_ACCOUNT_ID, id(20), id(21), id(22)].sort());
    const stored = await deployment.store.reader.getFinding(critical.find((finding) => finding.account === id(21))!.id);
    expect(stored).toMatchObject({ ruleId: "root-mfa-disabled", accountName: "workload-21", ouPath: ouPathOf(organization, id(21)) });
    expect(deployment.published.filter((input) => !isDigest(input))).toHaveLength(4);
    expect(isDigest(deployment.published.at(-1) as PublishCommandInput)).toBe(true);
    const digest = digestOf(deployment.published);
    expect(digest.organizationId).toBe(ORGANIZATION_ID);
    expect(digest.totals).toMatchObject({ accountsRead: 194, accountsNotRead: 6 });
    expect(digest.new.map((finding) => `${finding.account} ${finding.accountName}`).sort()).toEqual(
      [`${MANAGEMENT_ACCOUNT_ID} management`, `${id(20)} workload-20`, `${id(21)} workload-21`, `${id(22)} workload-22`].sort(),
    );
    // The store syncs every account in the test's one process (dynalite), hence the time allowed.
  }, 180_000);

  it("never resolves the findings of an account it could not read; they resolve once it is read again without them", async () => {
    // Prepare
    const organization = simulatedOrganization(12);
    const [denied, throttled] = ["200000000003", "200000000004"];
    states.set(denied, { rootMfa: false });
    states.set(throttled, { rootMfa: false });
    const deployment = await deployOrganization(dynalite(), organization, { now: RUN_1 });
    const first = await deployment.run();
    const open = first.accounts.flatMap((account) => account.created).filter((finding) => [denied, throttled].includes(finding.account));
    expect(open).toHaveLength(2);

    // Act: the next day root has MFA in both, but one account's role is gone and the other is throttled.
    states.set(denied, { rootMfa: true, trouble: "role-missing" });
    states.set(throttled, { rootMfa: true, trouble: "throttled" });
    deployment.clock.now = new Date(RUN_1.getTime() + DAY);
    const second = await deployment.run();

    // Assess: nothing resolved, both findings still open.
    expect(second.accounts.flatMap((account) => account.resolved)).toEqual([]);
    for (const finding of open) expect((await deployment.store.reader.getFinding(finding.id))?.status).toBe("open");
    expect(second.notRead.map((entry) => [entry.account, entry.reason]).sort()).toEqual([
      [denied, "role-unavailable"],
      [throttled, "throttled"],
    ]);

    // And once they can be read: resolved.
    states.delete(denied);
    states.delete(throttled);
    deployment.clock.now = new Date(RUN_1.getTime() + 2 * DAY);
    const third = await deployment.run();
    expect(third.accounts.flatMap((account) => account.resolved).map((finding) => finding.id).sort()).toEqual(open.map((finding) => finding.id).sort());
  });

  it("stops starting accounts near the deadline, lists the rest as not read for lack of time, and starts the next run with them", async () => {
    // Prepare: time for 20 accounts to start.
    const organization = simulatedOrganization(60);
    const deployment = await deployOrganization(dynalite(), organization, { now: RUN_1, concurrency: 5 });
    let starts = 20;

    // Act
    const first = await deployment.run({ remainingMs: () => (starts-- > 0 ? 600_000 : 120_000) });

    // Assess
    expect(first.accounts).toHaveLength(20);
    const leftOver = first.notRead.filter((entry) => entry.reason === "out-of-time");
    expect(leftOver).toHaveLength(40);
    expect(leftOver[0]?.detail).toBe("the run ran out of time before it; the next run starts with it");
    expect(digestOf(deployment.published).notRead).toHaveLength(40);

    // The next run starts with the 40 it did not reach.
    simulated.sts.resetHistory();
    deployment.published.length = 0;
    deployment.clock.now = new Date(RUN_1.getTime() + DAY);
    const second = await deployment.run();
    expect(second.notRead).toEqual([]);
    const reachedFirst = new Set(assumedAccounts().slice(0, 40 - 1 /* home, if among them, is not assumed */));
    for (const account of reachedFirst) expect(leftOver.map((entry) => entry.account)).toContain(account);
  });

  it("reads an account that joined since the last run, first, and places its findings", async () => {
    // Prepare
    const organization = simulatedOrganization(20);
    const deployment = await deployOrganization(dynalite(), organization, { now: RUN_1, concurrency: 1 });
    await deployment.run();
    const joined = "299999999999";
    organization.accounts.push({ id: joined, name: "new-team", state: "ACTIVE", parentId: "ou-ab12-prod0001" });
    states.set(joined, { rootMfa: false });
    simulated.sts.resetHistory();

    // Act
    deployment.clock.now = new Date(RUN_1.getTime() + DAY);
    const second = await deployment.run();

    // Assess
    expect(assumedAccounts()[0]).toBe(joined);
    const created = second.accounts.find((account) => account.account === joined)?.created ?? [];
    expect(created.map((finding) => [finding.ruleId, finding.accountName, finding.ouPath])).toEqual([["root-mfa-disabled", "new-team", ouPathOf(organization, joined)]]);
  });

  it("falls back to the cached inventory when Organizations cannot be read and says so; with no cache, fails loudly", async () => {
    // Prepare
    const denied = Object.assign(new Error("You don't have permissions to access this resource."), { name: "AccessDeniedException" });
    const cached = await deployOrganization(dynalite(), simulatedOrganization(8), { now: RUN_1 });
    await cached.run();
    cached.organizations.on(DescribeOrganizationCommand).rejects(denied);
    cached.published.length = 0;
    const uncached = await deployOrganization(dynalite(), simulatedOrganization(8), { now: RUN_1 });
    uncached.organizations.on(DescribeOrganizationCommand).rejects(denied);

    // Act
    cached.clock.now = new Date(RUN_1.getTime() + DAY);
    const fromCache = await cached.run();
    const failure = uncached.run();

    // Assess
    expect(fromCache.inventory).toEqual({ source: "cache", refreshedAt: RUN_1.toISOString(), error: expect.stringMatching(/organizations:DescribeOrganization: AccessDeniedException/) });
    expect(fromCache.accounts).toHaveLength(8);
    expect(JSON.parse(cached.published.find(isDigest)?.Message as string).email).toMatch(/Organizations could not be read \(organizations:DescribeOrganization: AccessDeniedException: .*\); accounts as cached at 2026-12-05T06:00:00.000Z/);
    await expect(failure).rejects.toThrow(OrganizationUnreadableError);
    await expect(failure).rejects.toThrow(/Organizations could not be read \(organizations:DescribeOrganization: AccessDeniedException: .*\) and no inventory is cached yet/);
    expect(uncached.published).toEqual([]);
  });

  it("leaves the new findings the digest stood for to the retry sweep when the digest cannot be published", async () => {
    // Prepare: a CRITICAL finding (published alone) and a MEDIUM one (left to the digest).
    states.set("200000000002", { rootMfa: false, weakPasswordPolicy: true });
    const deployment = await deployOrganization(dynalite(), simulatedOrganization(6), { now: RUN_1 });
    deployment.sns.on(PublishCommand, { MessageAttributes: { kind: { DataType: "String", StringValue: "digest" } } }).rejects(new InternalErrorException({ message: "Request could not be completed", $metadata: { httpStatusCode: 500 } }));

    // Act
    const report = await deployment.run();

    // Assess
    expect(report.digest).toEqual({ published: false, error: expect.objectContaining({ name: "DigestPublishError" }) });
    const created = report.accounts.flatMap((account) => account.created);
    expect(created.map((finding) => finding.ruleId).sort()).toEqual(["password-policy-weak", "root-mfa-disabled"]);
    deployment.clock.now = new Date(RUN_1.getTime() + 1);
    const pending = await deployment.store.outbox.listUndelivered();
    expect(pending.map((finding) => finding.ruleId)).toEqual(["password-policy-weak"]);
  });
});

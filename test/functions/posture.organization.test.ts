import { randomUUID } from "node:crypto";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { AssumeRoleCommand } from "@aws-sdk/client-sts";
import { REMEDIATION_OFF } from "@vigil/monitor";
import type { OrganizationDigestMessage } from "@vigil/notify";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { MANAGEMENT_ACCOUNT_ID, mockOrganizations, ORGANIZATION_ID, simulatedOrganization } from "../helpers/organization.ts";
import { type SimulatedAccountState, simulateAccounts } from "../packages/monitor/simulatedAccounts.ts";
import { ACCOUNT, lambdaContext, REGION, TOPIC_ARN } from "./lambdaEvents.ts";
import { asFunction } from "./awsRequests.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";
import { captureLogs, type Deployment, deploy, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";

type PostureModule = typeof import("../../functions/posture.ts");

/**
 * The posture function in organization mode. Its requests are held to the roles the stacks build:
 * its own account's reads, the organization's tree, the inventory and the AssumeRole calls to the
 * function's role in organization mode, and each member account's reads (made with that account's
 * audit role credentials) to the spoke's audit role in that account.
 */
const organization = simulatedOrganization(40);
// The function's own account is the security account, in the Security OU.
organization.accounts.push({ id: ACCOUNT, name: "security", state: "ACTIVE", parentId: "ou-ab12-securit1" });
mockOrganizations(organization, OrganizationsClient as unknown as OrganizationsClient);
const states = new Map<string, SimulatedAccountState>();
const simulated = simulateAccounts({ homeAccount: ACCOUNT, stateOf: (account) => states.get(account) });
const sns = mockClient(SNSClient);
const RUN_AT = new Date("2026-12-05T06:00:00.000Z");
const SETTINGS = { id: ORGANIZATION_ID, managementAccountId: MANAGEMENT_ACCOUNT_ID, auditRoleName: "VigilAudit", postureConcurrency: 5 };
const ORGANIZATION = JSON.stringify(SETTINGS);
holdHandlersToTheirRoles();

const scheduledEvent = () => ({
  version: "0",
  id: randomUUID(),
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: ACCOUNT,
  time: RUN_AT.toISOString(),
  region: REGION,
  resources: [`arn:aws:events:${REGION}:${ACCOUNT}:rule/vigil-prod-PostureSchedule`],
  detail: {},
});

let monitor: LocalMonitor;
beforeAll(async () => {
  monitor = await startLocalMonitor();
});
afterAll(async () => {
  await monitor?.close();
});

let published: PublishCommandInput[];
beforeEach(() => {
  vi.restoreAllMocks();
  captureLogs();
  vi.useFakeTimers({ now: RUN_AT, toFake: ["Date"] });
  published = [];
  states.clear();
  simulated.sts.resetHistory();
  sns.reset();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: randomUUID() };
  });
});
afterEach(() => {
  vi.useRealTimers();
});

async function posture(deployment: Deployment, overrides: Record<string, string | undefined> = {}): Promise<PostureModule["handler"]> {
  const environment = { FINDINGS_TABLE_NAME: deployment.findingsTable, TOPIC_ARN, VIGIL_CONFIG: "{}", RETENTION_DAYS: "90", ORGANIZATION, STATE_TABLE_NAME: deployment.stateTable, ...overrides };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.resetModules();
  const { handler } = await import("../../functions/posture.ts");
  return asFunction({ fn: "posture", remediation: REMEDIATION_OFF, organization: SETTINGS }, handler);
}

describe("Function: posture handler, organization mode", () => {
  it("checks every account of the organization, its own with its own credentials, and publishes one digest", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    states.set("200000000007", { trouble: "role-missing" });
    states.set("200000000008", { rootMfa: false });
    const handler = await posture(deployment);

    // Act
    const result = await handler(scheduledEvent(), lambdaContext("vigil-prod-Posture", 900_000));

    // Assess
    expect(result).toEqual({ organization: ORGANIZATION_ID, accountsRead: 40, accountsNotRead: 1, created: 1, resolved: 0, reopened: 0, digest: expect.any(String) });
    const assumed = simulated.sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input.RoleArn);
    expect(assumed).toHaveLength(40);
    expect(assumed).not.toContain(`arn:aws:iam::${ACCOUNT}:role/VigilAudit`);
    const [alone, digest] = published;
    expect(published).toHaveLength(2);
    expect(alone?.MessageAttributes?.severity?.StringValue).toBe("CRITICAL");
    const message = JSON.parse(JSON.parse(digest?.Message as string).default) as OrganizationDigestMessage;
    expect(message.notRead).toEqual([{ account: "200000000007", accountName: "workload-7", reason: "role-unavailable", detail: expect.stringContaining("could not be assumed") }]);
    const stored = (await deployment.store.reader.listFindings()).items;
    expect(stored.map((finding) => [finding.account, finding.ruleId, finding.accountName])).toEqual([["200000000008", "root-mfa-disabled", "workload-8"]]);
  });

  it.each([
    [{ STATE_TABLE_NAME: undefined }, /STATE_TABLE_NAME: required when ORGANIZATION is set/],
    [{ ORGANIZATION: '{"id":"o-a1b2c3d4e5"}' }, /ORGANIZATION: managementAccountId: /],
    [{ ORGANIZATION: '{"id":"o-a1b2c3d4e5","managementAccountId":"111111111111","postureConcurrency":0}' }, /ORGANIZATION: postureConcurrency: /],
  ] as const)("refuses to start with %j, naming the variable", async (overrides, message) => {
    const deployment = await deploy(monitor);
    await expect(posture(deployment, overrides)).rejects.toThrow(message);
  });
});

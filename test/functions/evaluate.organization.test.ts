import { randomUUID } from "node:crypto";
import { AccessDeniedException, ListRootsCommand, OrganizationsClient } from "@aws-sdk/client-organizations";
import { GetPolicyVersionCommand, IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { OrganizationsInventorySource } from "@vigil/aws-iam";
import { OrganizationInventoryStore } from "@vigil/store-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadFixture } from "../helpers/fixtures.ts";
import {
  MANAGEMENT_ACCOUNT_ID,
  mockOrganizations,
  ORGANIZATION_ID,
  ouPathOf,
  type SimulatedOrganization,
  simulatedOrganization,
} from "../helpers/organization.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";
import { ACCOUNT, type CloudTrailRecord, cloudTrailRecord, eventMessage, lambdaContext, sqsEvent, sqsRecord } from "./lambdaEvents.ts";
import { type CapturedLogs, captureLogs, type Deployment, deploy, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
holdHandlersToTheirRoles();

/** Member accounts of the simulated organization (simulatedOrganization spreads them over its OUs). */
const WORKLOAD_1 = "200000000001";
const PROD = "200000000002";
const SANDBOX = "200000000003";
const OUTSIDE = "444455556666";
const FOREIGN_ORGANIZATION = "o-f9e8d7c6b5";
const ORGANIZATION = JSON.stringify({ id: ORGANIZATION_ID, managementAccountId: MANAGEMENT_ACCOUNT_ID });

const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const VENDOR_TRUST = cloudTrailRecord("rules/trust-policy-external-account/positive-vendor-root.json");
const ORG_TRUST = cloudTrailRecord("rules/trust-policy-public/negative-org-restricted.json");
const OMITTED_CREATE_POLICY = cloudTrailRecord("omitted-policies/create-policy.json");
const MOVE_ACCOUNT = loadFixture<{ detail: CloudTrailRecord }>("organizations/move-account-eventbridge.json").detail;

/** The fixture's call as a member account's CloudTrail records it, delivered to the home account's bus: every mention of the fixtures' account is the member's. */
function inAccount(record: CloudTrailRecord, account: string, replace: Record<string, string> = {}): CloudTrailRecord {
  let text = JSON.stringify(record).replaceAll(ACCOUNT, account);
  for (const [from, to] of Object.entries(replace)) text = text.replaceAll(from, to);
  return { ...(JSON.parse(text) as CloudTrailRecord), eventID: randomUUID() };
}

const context = () => lambdaContext("vigil-prod-Evaluate");

let monitor: LocalMonitor;
let logs: CapturedLogs;
let organization: SimulatedOrganization;
let organizations: ReturnType<typeof mockOrganizations>["mock"];
beforeAll(async () => {
  monitor = await startLocalMonitor();
});
afterAll(async () => {
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  sns.reset();
  iam.reset();
  sts.reset();
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
  sts.on(GetCallerIdentityCommand).resolves({
    UserId: "AROA6ON6E4XEEVALUATE1:vigil-prod-Evaluate",
    Account: ACCOUNT,
    Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/vigil-prod-EvaluateRole/vigil-prod-Evaluate`,
  });
  // The home (security) account sits in the Security OU beside the simulated workload accounts.
  organization = simulatedOrganization(6);
  organization.accounts.push({ id: ACCOUNT, name: "security", state: "ACTIVE", parentId: "ou-ab12-securit1" });
  // Every OrganizationsClient the handler makes answers for `organization`, as it is when asked.
  organizations = mockOrganizations(organization, OrganizationsClient.prototype).mock;
});
afterEach(() => {
  organizations.restore();
});

/** Reads of Organizations so far: each starts with one ListRoots. */
const organizationReads = () => organizations.commandCalls(ListRootsCommand).length;

/** The state table holding the inventory as the posture run or another container left it, read through the real source. */
async function seedInventory(deployment: Deployment): Promise<void> {
  const source = new OrganizationsInventorySource({ organizations: new OrganizationsClient({ region: "us-east-1" }), now: () => new Date(), sleep: async () => {} });
  await new OrganizationInventoryStore({ client: monitor.dynalite.client, tableName: deployment.stateTable }).save(await source.read());
  organizations.resetHistory();
}

async function orgDeployment(options: { seeded?: boolean } = {}) {
  const deployment = await deploy(monitor);
  if (options.seeded !== false) await seedInventory(deployment);
  const handler = await deployment.evaluate({ ORGANIZATION });
  const stored = async () => (await deployment.store.reader.listFindings()).items;
  return { deployment, handler, stored };
}

describe("Function: evaluate handler, organization mode", () => {
  it.each([
    ['{"id":"o-a1b2c3d4e5"', /ORGANIZATION: not JSON/],
    ['{"id":"a1b2c3d4e5","managementAccountId":"111111111111"}', /ORGANIZATION: id: must be an organization id/],
    ['{"id":"o-a1b2c3d4e5","managementAccountId":"111111111111","homeRegion":"us-east-1"}', /ORGANIZATION: unknown key "homeRegion"/],
  ])("refuses to start when ORGANIZATION is %s, naming what is wrong", async (value, message) => {
    const deployment = await deploy(monitor);

    await expect(deployment.evaluate({ ORGANIZATION: value })).rejects.toThrow(message);
  });

  it("names each finding's account, account name and OU, from the inventory it reads when the state table has none yet", async () => {
    // Prepare
    const { deployment, handler, stored } = await orgDeployment({ seeded: false });
    const record = inAccount(USER_CREATED, PROD);

    // Act
    const result = await handler(sqsEvent(eventMessage(record)), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [finding] = await stored();
    expect(finding).toMatchObject({ ruleId: "iam-user-created", account: PROD, accountName: "workload-2", ouPath: ouPathOf(organization, PROD) });
    expect(finding?.ouPath).toBe(`${ORGANIZATION_ID}/r-ab12/ou-ab12-workload/ou-ab12-prod0001/`);
    expect(organizationReads()).toBe(1);
    const saved = await new OrganizationInventoryStore({ client: monitor.dynalite.client, tableName: deployment.stateTable }).load();
    expect(saved?.accounts.find((account) => account.id === PROD)?.name).toBe("workload-2");
  });

  it("places events from the inventory in the state table without calling Organizations", async () => {
    // Prepare
    const { handler, stored } = await orgDeployment();

    // Act
    await handler(sqsEvent(eventMessage(inAccount(USER_CREATED, SANDBOX)), eventMessage(inAccount(USER_CREATED, ACCOUNT))), context());

    // Assess
    expect((await stored()).map((finding) => [finding.account, finding.accountName]).sort()).toEqual([
      [SANDBOX, "workload-3"],
      [ACCOUNT, "security"],
    ].sort());
    expect(organizationReads()).toBe(0);
  });

  describe("trust policies", () => {
    it("keeps quiet on a role trusted by another account of the organization, and reports one trusted from outside it", async () => {
      // Prepare
      const { handler, stored } = await orgDeployment();
      const inside = inAccount(VENDOR_TRUST, WORKLOAD_1, { [OUTSIDE]: SANDBOX });
      const outside = inAccount(VENDOR_TRUST, WORKLOAD_1);

      // Act
      await handler(sqsEvent(eventMessage(inside), eventMessage(outside)), context());

      // Assess
      const trust = (await stored()).filter((finding) => finding.ruleId.startsWith("trust-policy-"));
      expect(trust.map((finding) => [finding.ruleId, finding.eventId, finding.accountName, (finding.details as { accounts: string[] }).accounts])).toEqual([
        ["trust-policy-external-account", outside.eventID, "workload-1", [OUTSIDE]],
      ]);
    });

    it("keeps quiet on a condition on the organization's own id, and reports one on another organization, naming it", async () => {
      // Prepare
      const { handler, stored } = await orgDeployment();
      const own = inAccount(ORG_TRUST, SANDBOX);
      const foreign = inAccount(ORG_TRUST, SANDBOX, { [ORGANIZATION_ID]: FOREIGN_ORGANIZATION });

      // Act
      await handler(sqsEvent(eventMessage(own), eventMessage(foreign)), context());

      // Assess
      const trust = (await stored()).filter((finding) => finding.ruleId.startsWith("trust-policy-"));
      expect(trust).toHaveLength(1);
      expect(trust[0]).toMatchObject({
        ruleId: "trust-policy-external-account",
        eventId: foreign.eventID,
        account: SANDBOX,
        accountName: "workload-3",
        summary: expect.stringContaining(`every account of organization ${FOREIGN_ORGANIZATION} can assume it`),
        details: { organizations: [FOREIGN_ORGANIZATION] },
      });
    });
  });

  describe("keeping the inventory up to date", () => {
    it("reads Organizations anew on a membership event, so the moved account's next finding names its new OU", async () => {
      // Prepare
      const { handler, stored } = await orgDeployment();
      organization.accounts.find((account) => account.id === WORKLOAD_1)!.parentId = "ou-ab12-sandbox1";
      const after = inAccount(USER_CREATED, WORKLOAD_1);

      // Act
      await handler(sqsEvent(sqsRecord(JSON.stringify(loadFixture("organizations/move-account-eventbridge.json")))), context());
      await handler(sqsEvent(eventMessage(after)), context());

      // Assess
      expect(organizationReads()).toBe(1);
      const finding = (await stored()).find((candidate) => candidate.eventId === after.eventID);
      expect(finding?.ouPath).toBe(`${ORGANIZATION_ID}/r-ab12/ou-ab12-sandbox1/`);
      expect(logs.entries()).toContainEqual(expect.objectContaining({ message: "organization inventory read anew", reason: "membership-event", correlation_id: MOVE_ACCOUNT.eventID }));
    });

    it("reads Organizations once for a storm of events from accounts it does not know, and places the new account", async () => {
      // Prepare
      const { handler, stored } = await orgDeployment();
      organization.accounts.push({ id: "200000000077", name: "just-created", state: "ACTIVE", parentId: "ou-ab12-sandbox1" });
      const storm = Array.from({ length: 8 }, (_, index) => inAccount(USER_CREATED, index === 0 ? "200000000077" : `55556666${String(index).padStart(4, "0")}`));

      // Act
      const first = await handler(sqsEvent(...storm.slice(0, 4).map((record) => eventMessage(record))), context());
      const second = await handler(sqsEvent(...storm.slice(4).map((record) => eventMessage(record))), context());

      // Assess
      expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      expect(organizationReads()).toBe(1);
      const findings = await stored();
      expect(findings).toHaveLength(8);
      expect(findings.find((finding) => finding.account === "200000000077")).toMatchObject({ accountName: "just-created", ouPath: `${ORGANIZATION_ID}/r-ab12/ou-ab12-sandbox1/` });
      expect(findings.filter((finding) => finding.accountName === undefined)).toHaveLength(7);
    });

    it("evaluates with the inventory it holds when Organizations refuses the read, and logs why", async () => {
      // Prepare
      const { handler, stored } = await orgDeployment();
      organizations.on(ListRootsCommand).rejects(
        new AccessDeniedException({ $metadata: { httpStatusCode: 400 }, message: "You don't have permissions to access this resource." }),
      );
      const unknown = inAccount(USER_CREATED, "555566667777");
      const known = inAccount(USER_CREATED, PROD);

      // Act
      const result = await handler(sqsEvent(eventMessage(unknown), eventMessage(known)), context());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      const findings = await stored();
      expect(findings.map((finding) => [finding.account, finding.accountName]).sort()).toEqual([
        [PROD, "workload-2"],
        ["555566667777", undefined],
      ].sort());
      expect(logs.entries()).toContainEqual(
        expect.objectContaining({
          level: "WARN",
          message: "organization inventory not brought up to date; evaluating with the one held",
          stage: "refresh",
          reason: "unknown-account",
          error: expect.objectContaining({ message: expect.stringContaining("permissions") }),
        }),
      );
    });
  });

  it("never reads its own account's IAM for a policy a member account's record omitted: policy-document-omitted reports it", async () => {
    // Prepare
    const { handler, stored } = await orgDeployment();
    const omitted = inAccount(OMITTED_CREATE_POLICY, PROD);

    // Act
    const result = await handler(sqsEvent(eventMessage(omitted)), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(iam.commandCalls(GetPolicyVersionCommand)).toEqual([]);
    expect((await stored()).map((finding) => [finding.ruleId, finding.account, finding.resource])).toEqual([
      ["policy-document-omitted", PROD, `arn:aws:iam::${PROD}:policy/billing-export`],
    ]);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "omitted policy document could not be fetched", reason: expect.stringContaining(`OtherAccount: the policy is in account ${PROD}`) }),
    );
  });
});

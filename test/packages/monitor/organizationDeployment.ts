import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, type PublishCommandInput, SNSClient, type SNSClientResolvedConfig, type ServiceInputTypes, type ServiceOutputTypes } from "@aws-sdk/client-sns";
import { STSClient } from "@aws-sdk/client-sts";
import { AuditRoleAccess, accountHandle, OrganizationsInventorySource } from "@vigil/aws-iam";
import { catalogue, resolveConfig } from "@vigil/core";
import { OrganizationPostureRunner, parseOrganizationSettings, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier, SnsOrganizationDigestPublisher } from "@vigil/notify";
import { type FindingStore, OrganizationInventoryStore, PostureReadLog } from "@vigil/store-dynamodb";
import type { RunningDynalite } from "@vigil/store-dynamodb/local";
import { type AwsStub, mockClient } from "aws-sdk-client-mock";
import { MANAGEMENT_ACCOUNT_ID, mockOrganizations, ORGANIZATION_ID, type SimulatedOrganization } from "../../helpers/organization.ts";
import { freshStateTable, freshStore } from "../store-dynamodb/findingFactory.ts";

export const REGION = "us-east-1";
/** The security account Vigil is deployed in: the first account of the Security OU. */
export const HOME = "200000000000";
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${HOME}:vigil-prod-findings`;
const noWait = async () => {};

export interface OrganizationDeployment {
  store: FindingStore;
  stateTable: string;
  clock: { now: Date };
  organizations: ReturnType<typeof mockOrganizations>["mock"];
  published: PublishCommandInput[];
  /** The findings topic's stub: a test may make it refuse. */
  sns: AwsStub<ServiceInputTypes, ServiceOutputTypes, SNSClientResolvedConfig>;
  run(options?: { remainingMs?: () => number }): ReturnType<OrganizationPostureRunner["run"]>;
}

/**
 * The organization run as the function wires it, over real stores in dynalite (findings, state
 * table) and the simulated organization: Organizations through the lead's inventory reader, STS,
 * IAM and CloudTrail answered per account by simulateAccounts (which the caller sets up).
 */
export async function deployOrganization(dynalite: RunningDynalite, organization: SimulatedOrganization, options: { concurrency?: number; now: Date }): Promise<OrganizationDeployment> {
  const clock = { now: options.now };
  const now = () => clock.now;
  const store = await freshStore(dynalite, { now });
  const stateTable = await freshStateTable(dynalite);
  const { client: organizationsClient, mock: organizations } = mockOrganizations(organization);
  const snsClient = new SNSClient({ region: REGION });
  const sns = mockClient(snsClient);
  const published: PublishCommandInput[] = [];
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: `message-${published.length}` };
  });
  const inventoryStore = new OrganizationInventoryStore({ client: dynalite.client, tableName: stateTable });
  const runner = new OrganizationPostureRunner({
    organization: parseOrganizationSettings({ id: ORGANIZATION_ID, managementAccountId: MANAGEMENT_ACCOUNT_ID, postureConcurrency: options.concurrency ?? 10 }) as NonNullable<ReturnType<typeof parseOrganizationSettings>>,
    source: new OrganizationsInventorySource({ organizations: organizationsClient, now, sleep: noWait }),
    inventoryCache: inventoryStore,
    readLog: new PostureReadLog({ client: dynalite.client, tableName: stateTable, now }),
    members: new AuditRoleAccess({ sts: new STSClient({ region: REGION }), roleName: "VigilAudit", region: REGION, sleep: noWait, now: () => clock.now.getTime() }),
    region: REGION,
    store: store.posture,
    outbox: store.outbox,
    delivery: new SnsDelivery({ outbox: store.outbox, publisher: new SnsNotifier({ client: snsClient, topicArn: TOPIC_ARN }), leaseMs: 15 * 60_000 }),
    digests: new SnsOrganizationDigestPublisher({ client: snsClient, topicArn: TOPIC_ARN }),
    config: resolveConfig({}, catalogue),
    now,
  });
  // The function's own credentials: not an audit role's, so the simulation answers as the home account.
  const credentials = { accessKeyId: "AKIAHOMEEXAMPLE00001", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY" };
  const home = {
    account: HOME,
    opened: accountHandle({ iam: new IAMClient({ region: REGION, credentials }), cloudTrail: new CloudTrailClient({ region: REGION, credentials }) }, { account: HOME, region: REGION, sleep: noWait }),
  };
  let runs = 0;
  return {
    store,
    stateTable,
    clock,
    organizations,
    published,
    sns,
    run: (request = {}) => runner.run({ owner: `run-${++runs}`, home, ...request }),
  };
}

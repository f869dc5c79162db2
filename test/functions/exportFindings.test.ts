import { randomUUID } from "node:crypto";
import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import { BatchImportFindingsCommand, type BatchImportFindingsCommandInput, BatchUpdateFindingsCommand, type BatchUpdateFindingsCommandInput, InvalidAccessException, SecurityHubClient } from "@aws-sdk/client-securityhub";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { AssumeRoleCommand, STSClient } from "@aws-sdk/client-sts";
import { IAMClient } from "@aws-sdk/client-iam";
import { createFindingStore } from "@vigil/store-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type S3rverHandle, startS3rver } from "../packages/cloudtrail/s3rverServer.ts";
import { importAnswer, updateAnswer } from "../packages/export/securityHubFixtures.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";
import { cloudTrailRecord, eventMessage, lambdaContext, sqsEvent, withEventId } from "./lambdaEvents.ts";
import { type CapturedLogs, captureLogs, type Deployment, deploy, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";

const hub = mockClient(SecurityHubClient);
const sns = mockClient(SNSClient);
const sts = mockClient(STSClient);
mockClient(IAMClient);
holdHandlersToTheirRoles();

const BUCKET = "aws-security-data-lake-us-east-1-vigil";
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const scheduledEvent = () => ({ version: "0", id: randomUUID(), "detail-type": "Scheduled Event", source: "aws.events", account: "111122223333", time: new Date().toISOString(), region: "us-east-1", resources: [], detail: {} });

let monitor: LocalMonitor;
let s3: S3rverHandle;
let logs: CapturedLogs;
let prefixes = 0;
beforeAll(async () => {
  [monitor, s3] = await Promise.all([startLocalMonitor(), startS3rver([BUCKET])]);
  s3.acceptCredentials(monitor.dynalite.credentials);
});
afterAll(async () => {
  await Promise.all([monitor?.close(), s3?.close()]);
});
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  hub.reset();
  sns.reset();
  sts.reset();
  sns.on(PublishCommand).resolves({ MessageId: randomUUID() });
  hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
  hub.on(BatchUpdateFindingsCommand).callsFake((input: BatchUpdateFindingsCommandInput) => updateAnswer(input));
});

/** A deployment exporting to Security Hub in us-east-1 and to its own OCSF prefix on s3rver, with one finding evaluated. */
async function exportingDeployment(): Promise<{ deployment: Deployment; overrides: Record<string, string> & { OCSF_PREFIX: string }; findingId: string }> {
  const deployment = await deploy(monitor);
  const overrides = { EXPORT_CHANGES: "true", SECURITY_HUB_REGION: "us-east-1", OCSF_BUCKET: BUCKET, OCSF_PREFIX: `ext/vigil/${++prefixes}`, AWS_ENDPOINT_URL_S3: s3.endpoint };
  const evaluate = await deployment.evaluate({ EXPORT_CHANGES: "true" });
  expect(await evaluate(sqsEvent(eventMessage(withEventId(USER_CREATED))), lambdaContext("vigil-prod-Evaluate"))).toEqual({ batchItemFailures: [] });
  const [finding] = (await deployment.store.reader.listFindings()).items;
  if (!finding) throw new Error("the evaluate handler stored no finding");
  return { deployment, overrides, findingId: finding.id };
}

const keysUnder = async (prefix: string) => ((await s3.client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: `${prefix}/` }))).Contents ?? []).map(({ Key }) => Key);

describe("Function: exportFindings handler", () => {
  it("imports what evaluate stored into Security Hub and writes it to S3 as OCSF, once, within its role", async () => {
    // Prepare
    const { deployment, overrides, findingId } = await exportingDeployment();
    const sweep = await deployment.exportFindings(overrides);

    // Act
    const first = await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));
    const second = await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));

    // Assess
    expect(first).toEqual({ claimed: 1, done: 1, pending: 0, busy: 0, lost: 0 });
    expect(second).toEqual({ claimed: 0, done: 0, pending: 0, busy: 0, lost: 0 });
    const imported = hub.commandCalls(BatchImportFindingsCommand).flatMap((call) => call.args[0].input.Findings ?? []);
    expect(imported.map(({ Id, ProductArn, GeneratorId }) => [Id, ProductArn, GeneratorId])).toEqual([[findingId, "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default", "iam-user-created"]]);
    expect(await keysUnder(overrides.OCSF_PREFIX)).toEqual([expect.stringMatching(new RegExp(`^${overrides.OCSF_PREFIX}/region=us-east-1/accountId=111122223333/eventDay=\\d{8}/\\d{8}T\\d{6}Z-[\\w-]+\\.parquet$`))]);
  });

  it("exports the triage that follows, and reports a Security Hub that is not enabled with a warning naming the finding, then catches up", async () => {
    // Prepare
    const { deployment, overrides, findingId } = await exportingDeployment();
    const sweep = await deployment.exportFindings(overrides);
    await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));
    // The api function marks its changes the same way.
    await createFindingStore({ client: monitor.dynalite.client, tableName: deployment.findingsTable, exportChanges: true }).triage.transition(findingId, { action: "acknowledge", actor: "alice" });
    hub.on(BatchImportFindingsCommand).rejects(new InvalidAccessException({ message: "Account 111122223333 is not subscribed to AWS Security Hub", Code: "InvalidAccessException", $metadata: {} }));

    // Act
    const refused = await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));
    hub.on(BatchImportFindingsCommand).callsFake((input: BatchImportFindingsCommandInput) => importAnswer(input));
    const recovered = await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));

    // Assess
    expect(refused).toMatchObject({ claimed: 1, done: 0, pending: 1 });
    const warning = logs.entries().find((entry) => entry.message === "findings not exported; the next sweep sends them again");
    expect(warning).toMatchObject({ level: "WARN", sink: "securityHub", failedCount: 1, failed: [{ id: findingId, error: expect.stringContaining("not subscribed to AWS Security Hub") }] });
    expect(recovered).toMatchObject({ claimed: 1, done: 1, pending: 0 });
    const updates = hub.commandCalls(BatchUpdateFindingsCommand).map((call) => [call.args[0].input.Workflow?.Status, call.args[0].input.FindingIdentifiers?.map(({ Id }) => Id)]);
    expect(updates).toEqual([["NOTIFIED", [findingId]]]);
    expect(await keysUnder(overrides.OCSF_PREFIX)).toHaveLength(2);
  });

  it("writes as Security Lake's provider role when the stage names it, with its external id, and only the provider role writes", async () => {
    // Prepare
    const { deployment, overrides } = await exportingDeployment();
    const roleArn = "arn:aws:iam::999988887777:role/AmazonSecurityLake-Provider-vigil-us-east-1";
    // The provider role's own key pair, which S3 (s3rver) accepts; its id ends LAKE so the request recorder holds its writes to that role.
    const provider = { accessKeyId: "ASIAVIGILOCSFPROVIDERLAKE", secretAccessKey: "provider-secret-key" };
    s3.acceptCredentials(provider);
    sts.on(AssumeRoleCommand).resolves({
      Credentials: { AccessKeyId: provider.accessKeyId, SecretAccessKey: provider.secretAccessKey, SessionToken: "provider-session", Expiration: new Date(Date.now() + 3_600_000) },
      AssumedRoleUser: { AssumedRoleId: "AROAEXAMPLE:vigil-ocsf", Arn: `${roleArn.replace(":iam::", ":sts::").replace(":role/", ":assumed-role/")}/vigil-ocsf` },
    });
    const sweep = await deployment.exportFindings({ ...overrides, SECURITY_HUB_REGION: undefined, OCSF_ROLE_ARN: roleArn, OCSF_EXTERNAL_ID: "vigil-external-id" });

    // Act
    const result = await sweep(scheduledEvent(), lambdaContext("vigil-prod-ExportFindings", 300_000));

    // Assess
    expect(result).toMatchObject({ claimed: 1, done: 1 });
    expect(sts.commandCalls(AssumeRoleCommand).map((call) => call.args[0].input)).toEqual([{ RoleArn: roleArn, RoleSessionName: "vigil-ocsf", DurationSeconds: 3600, ExternalId: "vigil-external-id" }]);
    expect(await keysUnder(overrides.OCSF_PREFIX)).toHaveLength(1);
    expect(hub.commandCalls(BatchImportFindingsCommand)).toHaveLength(0);
  });

  it("refuses to start without where to find its table or its version, naming the variable", async () => {
    const deployment = await deploy(monitor);
    await expect(deployment.exportFindings({ VIGIL_VERSION: undefined, SECURITY_HUB_REGION: "Ireland" })).rejects.toThrow(/environment: .*SECURITY_HUB_REGION: must be an AWS region.*|environment: .*VIGIL_VERSION/);
  });
});

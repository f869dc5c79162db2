import { randomUUID } from "node:crypto";
import { GenerateServiceLastAccessedDetailsCommand, GetAccountAuthorizationDetailsCommand, ListAccessKeysCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { InternalErrorException, PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { postureChecks } from "@vigil/core";
import { parseRemediationSettings, REMEDIATION_OFF, type RemediationSettings } from "@vigil/monitor";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { awsResponse } from "../packages/aws-iam/posture/awsResponses.ts";
import { mockLiveAccount } from "../packages/cli/postureAccount.ts";
import { ACCOUNT, lambdaContext, REGION, TOPIC_ARN } from "./lambdaEvents.ts";
import { type CapturedLogs, captureLogs, type Deployment, deploy, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";
import { asFunction } from "./awsRequests.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

type PostureModule = typeof import("../../functions/posture.ts");

const { iam } = mockLiveAccount();
const sns = mockClient(SNSClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();
/** The instant the fixture account (test/fixtures/aws) is checked at. */
const RUN_AT = new Date("2026-11-20T09:00:00.000Z");

/** What EventBridge hands a scheduled function. */
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
const postureContext = () => lambdaContext("vigil-prod-Posture", 600_000);

let monitor: LocalMonitor;
beforeAll(async () => {
  monitor = await startLocalMonitor();
});
afterAll(async () => {
  await monitor?.close();
});

let published: PublishCommandInput[];
let logs: CapturedLogs;
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  vi.useFakeTimers({ now: RUN_AT, toFake: ["Date"] });
  published = [];
  sns.reset();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: randomUUID() };
  });
  iam.on(ListAccessKeysCommand, { UserName: "ci-deployer" }).resolves(awsResponse("iam/list-access-keys-ci-deployer.json"));
  iam.on(ListAccessKeysCommand, { UserName: "backup-agent" }).resolves(awsResponse("iam/list-access-keys-backup-agent.json"));
  iam.on(UpdateAccessKeyCommand).resolves({});
});
afterEach(() => {
  vi.useRealTimers();
  iam.resetHistory();
});

/** A new container of the posture function, with the environment the stack gives it changed by `overrides` (undefined: left out). */
async function posture(deployment: Deployment, overrides: Record<string, string | undefined> = {}): Promise<PostureModule["handler"]> {
  const environment = { FINDINGS_TABLE_NAME: deployment.findingsTable, TOPIC_ARN, VIGIL_CONFIG: "{}", RETENTION_DAYS: "90", REMEDIATION: undefined, ACCESS_ADVISOR_JOBS_PER_RUN: undefined, ...overrides };
  for (const [name, value] of Object.entries(environment)) vi.stubEnv(name, value);
  vi.resetModules();
  const handler = (await import("../../functions/posture.ts")).handler;
  return asFunction({ fn: "posture", remediation: remediationOf(environment.REMEDIATION) }, handler);
}

/** The remediation the stack would build the role for; a REMEDIATION the function refuses gets none. */
function remediationOf(variable: string | undefined): RemediationSettings {
  try {
    return parseRemediationSettings(JSON.parse(variable ?? "{}"));
  } catch {
    return REMEDIATION_OFF;
  }
}

const isDigest = (input: PublishCommandInput) => input.MessageAttributes?.kind?.StringValue === "digest";

describe("Function: posture handler", () => {
  it("checks its own account, stores the findings, publishes one digest and answers with a summary", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await posture(deployment);

    // Act
    const result = await handler(scheduledEvent(), postureContext());

    // Assess
    expect(published).toHaveLength(1);
    expect(isDigest(published[0] as PublishCommandInput)).toBe(true);
    expect(result).toEqual({ account: ACCOUNT, checksRun: postureChecks.length, created: 12, seenAgain: 0, resolved: 0, reopened: 0, remediation: 0, digest: expect.any(String) });
    const stored = (await deployment.store.reader.listFindings()).items;
    expect(stored).toHaveLength(12);
    expect(new Set(stored.map((finding) => finding.account))).toEqual(new Set([ACCOUNT]));
    vi.setSystemTime(RUN_AT.getTime() + 3_600_000);
    expect(await deployment.store.outbox.listUndelivered()).toEqual([]);
  });

  it("starts at most ACCESS_ADVISOR_JOBS_PER_RUN Access Advisor jobs, none at 0", async () => {
    // Prepare
    const deployment = await deploy(monitor);

    // Act
    await (await posture(deployment, { ACCESS_ADVISOR_JOBS_PER_RUN: "2" }))(scheduledEvent(), postureContext());
    const capped = iam.commandCalls(GenerateServiceLastAccessedDetailsCommand).length;
    iam.resetHistory();
    await (await posture(deployment, { ACCESS_ADVISOR_JOBS_PER_RUN: "0" }))(scheduledEvent(), postureContext());

    // Assess
    expect(capped).toBe(2);
    expect(iam.commandCalls(GenerateServiceLastAccessedDetailsCommand)).toHaveLength(0);
    expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
  });

  it("warns on each run about an ignore entry expired by the run's clock, and no longer spares its principal", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const ignore = [{ principal: "arn:aws:iam::*:user/backup-agent", reason: "vendor agent", owner: "it-ops", expires: "2026-11-19" }];
    const handler = await posture(deployment, { VIGIL_CONFIG: JSON.stringify({ ignore }) });

    // Act
    const result = await handler(scheduledEvent(), postureContext());

    // Assess
    expect(logs.entries().filter((entry) => entry.message === "ignore entry expired; it no longer silences anything")).toEqual([
      expect.objectContaining({ level: "WARN", entry: "ignore.0", reason: "vendor agent", owner: "it-ops", expires: "2026-11-19" }),
    ]);
    expect(result).toMatchObject({ created: 12 });
  });

  it("fails the invocation when the digest cannot be published, leaving the new findings to the retry sweep", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    sns.on(PublishCommand).rejects(new InternalErrorException({ message: "Request could not be completed", $metadata: { httpStatusCode: 500 } }));
    const handler = await posture(deployment);

    // Act
    const attempt = handler(scheduledEvent(), postureContext());

    // Assess
    await expect(attempt).rejects.toThrow("publishing the posture digest of 111122223333");
    vi.setSystemTime(RUN_AT.getTime() + 1);
    expect(await deployment.store.outbox.listUndelivered()).toHaveLength(12);
  });

  it("lists old keys without changing them when REMEDIATION asks for a dry run", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await posture(deployment, { REMEDIATION: JSON.stringify({ enabled: true, olderThanDays: 90, dryRun: true }) });

    // Act
    const result = await handler(scheduledEvent(), postureContext());

    // Assess
    expect(result).toMatchObject({ remediation: 2 });
    expect(iam.commandCalls(ListAccessKeysCommand).map((call) => call.args[0].input.UserName).sort()).toEqual(["backup-agent", "ci-deployer"]);
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
  });

  it("deactivates the old keys when REMEDIATION is on and not a dry run, with a role that allows it", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await posture(deployment, { REMEDIATION: JSON.stringify({ enabled: true, olderThanDays: 90, dryRun: false }) });

    // Act
    const result = await handler(scheduledEvent(), postureContext());

    // Assess: the role check after this test holds both calls to the role the stack builds for these settings.
    expect(result).toMatchObject({ remediation: 2 });
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: "ci-deployer", AccessKeyId: "AKIA6ON6E4XECIOLD0001", Status: "Inactive" },
      { UserName: "backup-agent", AccessKeyId: "AKIA6ON6E4XEBACKUP001", Status: "Inactive" },
    ]);
  });

  it.each([
    ["REMEDIATION", '{"enabled":', /REMEDIATION: not JSON/],
    ["REMEDIATION", '{"enabled":"yes"}', /REMEDIATION: enabled: /],
    ["REMEDIATION", '{"enabled":true,"deleteKeys":true}', /REMEDIATION: unknown key "deleteKeys"/],
    ["TOPIC_ARN", undefined, /TOPIC_ARN: /],
  ] as const)("refuses to start when %s is %j, naming it", async (name, value, message) => {
    const deployment = await deploy(monitor);
    await expect(posture(deployment, { [name]: value })).rejects.toThrow(message);
  });
});

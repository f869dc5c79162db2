import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { GetAccountSummaryCommand, IAMClient, IAMServiceException, ListAccessKeysCommand, UpdateAccessKeyCommand } from "@aws-sdk/client-iam";
import { InternalErrorException, PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { deactivateOldAccessKeys, readAccountSnapshot } from "@vigil/aws-iam";
import { catalogue, type ConfigInput, type Finding, resolveConfig } from "@vigil/core";
import { PostureRunner, parseRemediationSettings, type RemediationSettingsInput, SnsDelivery } from "@vigil/monitor";
import { type PostureDigestMessage, SnsDigestPublisher, SnsNotifier } from "@vigil/notify";
import type { FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../../helpers/fixtures.ts";
import { awsResponse } from "../aws-iam/posture/awsResponses.ts";
import { mockLiveAccount } from "../cli/postureAccount.ts";
import { freshStore } from "../store-dynamodb/findingFactory.ts";

const ACCOUNT = "111122223333";
const REGION = "us-east-1";
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:vigil-prod-findings`;
const DAY = 86_400_000;
const RUN_1 = new Date("2026-11-20T09:00:00.000Z");
const RUN_2 = new Date(RUN_1.getTime() + DAY);
const RUN_3 = new Date(RUN_2.getTime() + DAY);
const CI = "arn:aws:iam::111122223333:user/automation/ci-deployer";
const BACKUP = "arn:aws:iam::111122223333:user/backup-agent";
/** The findings the fixture account has at RUN_1 without root keys, by severity (see test/fixtures/aws). */
// The mocked account's findings besides root's keys, the unused-access checks' five (4 HIGH, 1 LOW) included.
const BASELINE = { CRITICAL: 0, HIGH: 5, MEDIUM: 2, LOW: 5, INFO: 0 };
const none = { CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 };

const { iam } = mockLiveAccount();
const sns = mockClient(SNSClient);

/** The account summary as IAM answers it, with or without root access keys (root-access-keys-present, CRITICAL). */
function rootKeys(present: boolean) {
  const summary = loadFixture<{ SummaryMap: Record<string, number> }>("aws/iam/get-account-summary.json");
  summary.SummaryMap.AccountAccessKeysPresent = present ? 1 : 0;
  iam.on(GetAccountSummaryCommand).resolves(summary);
}

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

let published: PublishCommandInput[];
beforeEach(() => {
  published = [];
  sns.reset();
  sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: `message-${published.length}` };
  });
  rootKeys(false);
  iam.on(ListAccessKeysCommand, { UserName: "ci-deployer" }).resolves(awsResponse("iam/list-access-keys-ci-deployer.json"));
  iam.on(ListAccessKeysCommand, { UserName: "backup-agent" }).resolves(awsResponse("iam/list-access-keys-backup-agent.json"));
  iam.on(UpdateAccessKeyCommand).resolves({});
});
afterEach(() => {
  iam.resetHistory();
});

interface Deployment {
  store: FindingStore;
  /** The store's clock, which a run sets to its instant. */
  clock: { now: Date };
  /** Runs the posture check at `at`, as the scheduled function does. */
  run(at: Date): ReturnType<PostureRunner["run"]>;
}

async function deploy(options: { remediation?: RemediationSettingsInput; config?: ConfigInput } = {}): Promise<Deployment> {
  const clock = { now: RUN_1 };
  const now = () => clock.now;
  const store = await freshStore(dynalite, { now });
  const client = new SNSClient({ region: REGION });
  const iam = new IAMClient({ region: REGION });
  const cloudTrail = new CloudTrailClient({ region: REGION });
  const sleep = async () => {};
  const runner = new PostureRunner({
    store: store.posture,
    outbox: store.outbox,
    delivery: new SnsDelivery({ outbox: store.outbox, publisher: new SnsNotifier({ client, topicArn: TOPIC_ARN }), leaseMs: 15 * 60_000 }),
    digests: new SnsDigestPublisher({ client, topicArn: TOPIC_ARN }),
    remediator: { deactivateOldAccessKeys: (remediation) => deactivateOldAccessKeys({ iam, sleep, ...remediation }) },
    config: resolveConfig(options.config ?? {}, catalogue),
    remediation: parseRemediationSettings(options.remediation ?? {}),
    now,
  });
  const reader = { read: () => readAccountSnapshot({ iam, cloudTrail, account: ACCOUNT, region: REGION, now: () => clock.now.getTime(), sleep }) };
  let runs = 0;
  return {
    store,
    clock,
    run: (at) => {
      clock.now = at;
      return runner.run({ reader, owner: `run-${++runs}` });
    },
  };
}

const isDigest = (input: PublishCommandInput) => input.MessageAttributes?.kind?.StringValue === "digest";
const digests = () => published.filter(isDigest);
const bodies = (input: PublishCommandInput) => JSON.parse(input.Message ?? "") as Record<string, string>;
const digestMessage = (input: PublishCommandInput) => JSON.parse(bodies(input).default ?? "") as PostureDigestMessage;
const individualIds = () => published.filter((input) => !isDigest(input)).map((input) => (JSON.parse(bodies(input).default ?? "") as Finding).id);
const byRule = (findings: readonly Finding[], ruleId: string) => findings.filter((finding) => finding.ruleId === ruleId);

describe("Class: PostureRunner", () => {
  it("stores the first run's findings, sends the CRITICAL one on its own and everything in one digest", async () => {
    // Prepare
    const deployment = await deploy();
    rootKeys(true);

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    const [rootFinding] = byRule(report.created, "root-access-keys-present");
    expect(rootFinding?.severity).toBe("CRITICAL");
    expect(report.created).toHaveLength(13);
    expect(individualIds()).toEqual([rootFinding?.id]);
    expect(digests()).toHaveLength(1);
    const digest = digests()[0] as PublishCommandInput;
    expect(digest.MessageAttributes).toEqual({
      severity: { DataType: "String", StringValue: "CRITICAL" },
      ruleId: { DataType: "String", StringValue: "posture-digest" },
      account: { DataType: "String", StringValue: ACCOUNT },
      kind: { DataType: "String", StringValue: "digest" },
    });
    expect(digestMessage(digest).counts).toEqual({ new: { ...BASELINE, CRITICAL: 1 }, reopened: none, resolved: none, stillOpen: none });
    expect(digestMessage(digest).new.map((finding) => finding.id).sort()).toEqual(report.created.map((finding) => finding.id).sort());
    expect(digest.Subject).toBe(`[Vigil posture] 13 new (highest CRITICAL), 0 resolved, 0 still open (${ACCOUNT})`);
    expect(report.digest).toEqual({ published: true, messageId: expect.any(String) });
  });

  it("marks every new finding delivered, the others by the digest, so the retry sweep has nothing to send", async () => {
    // Prepare
    const deployment = await deploy();
    rootKeys(true);

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    deployment.clock.now = RUN_2;
    expect(await deployment.store.outbox.listUndelivered()).toEqual([]);
    const digestId = report.digest.published ? report.digest.messageId : "";
    for (const finding of report.created) {
      const sns = (await deployment.store.outbox.getDeliveries(finding.id))?.sns;
      expect(sns, finding.ruleId).toMatchObject({ delivered: true });
      if (finding.severity === "CRITICAL") expect(sns?.reference).not.toBe(digestId);
      else expect(sns?.reference).toBe(digestId);
    }
  });

  it("reports the next runs' changes: still open, resolved when gone, reopened when back, one digest each", async () => {
    // Prepare
    const deployment = await deploy();
    rootKeys(true);
    const first = await deployment.run(RUN_1);
    const rootId = byRule(first.created, "root-access-keys-present")[0]?.id;

    // Act
    rootKeys(false);
    published = [];
    const second = await deployment.run(RUN_2);
    const secondDigests = digests();
    rootKeys(true);
    published = [];
    const third = await deployment.run(RUN_3);

    // Assess
    expect(second.resolved.map((finding) => finding.id)).toEqual([rootId]);
    expect(second.seenAgain).toHaveLength(12);
    expect(secondDigests).toHaveLength(1);
    expect(digestMessage(secondDigests[0] as PublishCommandInput).counts).toEqual({ new: none, reopened: none, resolved: { ...none, CRITICAL: 1 }, stillOpen: BASELINE });
    expect(secondDigests[0]?.MessageAttributes?.severity?.StringValue).toBe("INFO");
    expect(await deployment.store.reader.getHistory(rootId as string)).toContainEqual(
      expect.objectContaining({ at: RUN_2.toISOString(), actor: "vigil", action: "resolve", reason: `not seen in the posture run of ${RUN_2.toISOString()}` }),
    );

    expect(third.reopened.map((finding) => finding.id)).toEqual([rootId]);
    expect(third.created).toEqual([]);
    expect(individualIds()).toEqual([]);
    expect(digests()).toHaveLength(1);
    expect(digestMessage(digests()[0] as PublishCommandInput).counts).toMatchObject({ new: none, reopened: { ...none, CRITICAL: 1 }, resolved: none });
    expect(digests()[0]?.MessageAttributes?.severity?.StringValue).toBe("CRITICAL");
  });

  it("leaves the new findings pending for the sweep when the digest cannot be published", async () => {
    // Prepare
    const deployment = await deploy();
    rootKeys(true);
    sns.on(PublishCommand).callsFake((input: PublishCommandInput) => {
      if (isDigest(input)) throw new InternalErrorException({ message: "Request could not be completed", $metadata: { httpStatusCode: 500 } });
      published.push(input);
      return { MessageId: "critical-message" };
    });

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    expect(report.digest).toEqual({ published: false, error: expect.objectContaining({ name: "DigestPublishError" }) });
    deployment.clock.now = new Date(RUN_1.getTime() + 1);
    const pending = await deployment.store.outbox.listUndelivered();
    expect(pending.map((finding) => finding.id).sort()).toEqual(report.created.filter((finding) => finding.severity !== "CRITICAL").map((finding) => finding.id).sort());
    expect(report.notifications.delivered).toHaveLength(1);
  });

  it("does not remediate unless told to", async () => {
    // Prepare
    const deployment = await deploy();

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    expect(report.remediation).toBeUndefined();
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(0);
    expect(bodies(digests()[0] as PublishCommandInput).email).not.toContain("Remediation");
  });

  it("in a dry run, lists the old keys it would deactivate, changes nothing, and records it on the findings", async () => {
    // Prepare
    const deployment = await deploy({ remediation: { enabled: true, olderThanDays: 90 } });

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(report.remediation?.dryRun).toBe(true);
    expect(report.remediation?.actions.map((action) => `${action.outcome} ${action.accessKeyId}`)).toEqual(["would-do AKIA6ON6E4XECIOLD0001", "would-do AKIA6ON6E4XEBACKUP001"]);
    const [ciFinding] = byRule(report.created, "access-key-not-rotated").filter((finding) => finding.resource === CI);
    expect((await deployment.store.reader.getFinding(ciFinding?.id as string))?.details?.remediation).toEqual({
      at: RUN_1.toISOString(),
      dryRun: true,
      actions: [{ kind: "deactivate-access-key", user: "ci-deployer", arn: CI, accessKeyId: "AKIA6ON6E4XECIOLD0001", ageDays: 1403, outcome: "would-do" }],
    });
    const email = bodies(digests()[0] as PublishCommandInput).email;
    expect(email).toContain("Remediation (dry run: nothing was changed)");
    expect(email).toContain("- Would deactivate access key AKIA6ON6E4XECIOLD0001 of ci-deployer (1403 days old)");
  });

  it("deactivates the old keys for real when the dry run is off, recording what was done and what failed", async () => {
    // Prepare
    const deployment = await deploy({ remediation: { enabled: true, olderThanDays: 90, dryRun: false } });
    iam.on(UpdateAccessKeyCommand, { UserName: "backup-agent" }).rejects(
      new IAMServiceException({ name: "AccessDenied", $fault: "client", message: "User is not authorized to perform: iam:UpdateAccessKey", $metadata: { httpStatusCode: 403 } }),
    );

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    expect(iam.commandCalls(UpdateAccessKeyCommand).map((call) => call.args[0].input)).toEqual([
      { UserName: "ci-deployer", AccessKeyId: "AKIA6ON6E4XECIOLD0001", Status: "Inactive" },
      { UserName: "backup-agent", AccessKeyId: "AKIA6ON6E4XEBACKUP001", Status: "Inactive" },
    ]);
    const recorded = async (arn: string) => {
      const [finding] = byRule(report.created, "access-key-not-rotated").filter((candidate) => candidate.resource === arn);
      return (await deployment.store.reader.getFinding(finding?.id as string))?.details?.remediation as { dryRun: boolean; actions: { outcome: string }[] };
    };
    expect(await recorded(CI)).toMatchObject({ dryRun: false, actions: [{ outcome: "done", accessKeyId: "AKIA6ON6E4XECIOLD0001" }] });
    expect(await recorded(BACKUP)).toMatchObject({ dryRun: false, actions: [{ outcome: "failed", reason: expect.stringContaining("AccessDenied") }] });
    const email = bodies(digests()[0] as PublishCommandInput).email;
    expect(email).toContain("- Deactivated access key AKIA6ON6E4XECIOLD0001 of ci-deployer (1403 days old)");
    expect(email).toContain("- FAILED to deactivate access key AKIA6ON6E4XEBACKUP001 of backup-agent (899 days old): iam:UpdateAccessKey: AccessDenied");
  });

  it("never touches a principal the configuration ignores, even for other rules, nor a user whose finding is suppressed", async () => {
    // Prepare
    const config = { ignore: [{ principal: "arn:aws:iam::*:user/backup-agent", reason: "vendor agent, keys managed by the vendor", rules: ["iam-user-created"] }] };
    const deployment = await deploy({ remediation: { enabled: true, dryRun: false }, config });
    const first = await deployment.run(RUN_1);
    const [ciFinding] = byRule(first.created, "access-key-not-rotated").filter((finding) => finding.resource === CI);
    deployment.clock.now = new Date(RUN_1.getTime() + 60_000);
    await deployment.store.triage.transition(ciFinding?.id as string, { action: "suppress", actor: "sec@example.com", reason: "CI key replaced next sprint" });
    iam.resetHistory();

    // Act
    const second = await deployment.run(RUN_2);

    // Assess
    expect(iam.commandCalls(UpdateAccessKeyCommand)).toHaveLength(0);
    expect(iam.commandCalls(ListAccessKeysCommand)).toHaveLength(0);
    expect(second.remediation?.actions).toEqual([
      { kind: "deactivate-access-key", user: "backup-agent", arn: BACKUP, outcome: "skipped", reason: "the principal is ignored by the configuration" },
    ]);
  });

  it("spares no principal for an entry that has expired or that speaks only of calls from an address", async () => {
    // Prepare
    const config = {
      ignore: [
        { principal: BACKUP, sourceIp: "203.0.113.0/24", reason: "the vendor's calls from its office" },
        { principal: BACKUP, reason: "vendor agent, until the vendor rotates its keys", expires: "2026-11-19" },
      ],
    };
    const deployment = await deploy({ remediation: { enabled: true, dryRun: false }, config });

    // Act
    const report = await deployment.run(RUN_1);

    // Assess
    expect(byRule(report.created, "access-key-not-rotated").map((finding) => finding.resource)).toContain(BACKUP);
    expect(report.remediation?.actions.filter((action) => action.arn === BACKUP).map((action) => action.outcome)).toEqual(["done"]);
  });
});

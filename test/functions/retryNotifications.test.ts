import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { InternalErrorException, PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { cloudTrailRecord, eventMessage, lambdaContext, sqsEvent, withEventId } from "./lambdaEvents.ts";
import { type CapturedLogs, captureLogs, type Deployment, deploy, type LocalMonitor, publishedFinding, startLocalMonitor } from "./localMonitor.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

const sns = mockClient(SNSClient);
mockClient(IAMClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const ALICE = "arn:aws:iam::111122223333:user/alice";
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
/** The handlers' lease (SnsDelivery's default). */
const LEASE_MS = 60_000;

const evaluateContext = () => lambdaContext("vigil-prod-Evaluate");
const sweepContext = () => lambdaContext("vigil-prod-RetryNotifications", 60_000);
/** What EventBridge Scheduler hands the sweep. */
const scheduledEvent = () => ({
  version: "0",
  id: randomUUID(),
  "detail-type": "Scheduled Event",
  source: "aws.events",
  account: "111122223333",
  time: new Date().toISOString(),
  region: "us-east-1",
  resources: ["arn:aws:events:us-east-1:111122223333:rule/vigil-prod-RetrySchedule"],
  detail: {},
});

const publishedIds = () => sns.commandCalls(PublishCommand).map((call) => publishedFinding(call.args[0].input).id);
const unavailable = () => new InternalErrorException({ message: "Request could not be completed", $metadata: { httpStatusCode: 500 } });

let monitor: LocalMonitor;
let logs: CapturedLogs;
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
});
afterEach(() => {
  vi.useRealTimers();
});

/** One event evaluated while SNS fails: its finding is stored and left pending. */
async function findingLeftPending(deployment: Deployment): Promise<string> {
  sns.on(PublishCommand).rejects(unavailable());
  const result = await (await deployment.evaluate())(sqsEvent(eventMessage(withEventId(USER_CREATED))), evaluateContext());
  expect(result).toEqual({ batchItemFailures: [] });
  const [finding] = (await deployment.store.reader.listFindings()).items;
  if (!finding) throw new Error("the evaluate handler stored no finding");
  sns.reset();
  return finding.id;
}

describe("Function: retryNotifications handler", () => {
  it("publishes a finding whose Publish failed exactly once, and the next sweep publishes nothing", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const id = await findingLeftPending(deployment);
    const messageId = randomUUID();
    sns.on(PublishCommand).resolves({ MessageId: messageId });
    const sweep = await deployment.retryNotifications();

    // Act
    const first = await sweep(scheduledEvent(), sweepContext());
    const second = await sweep(scheduledEvent(), sweepContext());

    // Assess
    expect(first).toEqual({ delivered: 1, failed: 0, suppressionsExpired: 0 });
    expect(second).toEqual({ delivered: 0, failed: 0, suppressionsExpired: 0 });
    expect(publishedIds()).toEqual([id]);
    expect((await deployment.store.outbox.getDeliveries(id))?.sns).toMatchObject({ delivered: true, reference: messageId, attempts: 2 });
  });

  it("keeps a finding pending while SNS still fails, logs it, and delivers it on a later sweep", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const id = await findingLeftPending(deployment);
    sns.on(PublishCommand).rejectsOnce(unavailable()).resolves({ MessageId: randomUUID() });
    const sweep = await deployment.retryNotifications();

    // Act
    const failing = await sweep(scheduledEvent(), sweepContext());
    const recovered = await sweep(scheduledEvent(), sweepContext());
    const idle = await sweep(scheduledEvent(), sweepContext());

    // Assess
    expect([failing, recovered, idle]).toEqual([
      { delivered: 0, failed: 1, suppressionsExpired: 0 },
      { delivered: 1, failed: 0, suppressionsExpired: 0 },
      { delivered: 0, failed: 0, suppressionsExpired: 0 },
    ]);
    expect(publishedIds()).toEqual([id, id]);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "notifications still failing; next sweep retries them", failed: [{ id, error: expect.stringContaining("Request could not be completed") }] }),
    );
  });

  it("tells CloudWatch how long the oldest finding has waited for its notification, and 0 once it is delivered", async () => {
    // Prepare: the finding was detected two hours before the sweeps, and SNS still fails at the first.
    const deployment = await deploy(monitor);
    const detected = Date.now();
    const id = await findingLeftPending(deployment);
    sns.on(PublishCommand).rejectsOnce(unavailable()).resolves({ MessageId: randomUUID() });
    const sweep = await deployment.retryNotifications({ POWERTOOLS_METRICS_DISABLED: "false" });
    vi.useFakeTimers({ toFake: ["Date"], now: detected + 2 * 60 * 60_000 });

    // Act
    await sweep(scheduledEvent(), sweepContext());
    await sweep(scheduledEvent(), sweepContext());

    // Assess: one metric document per invocation, as CloudWatch reads it (embedded metric format).
    const ages = logs.entries().flatMap((entry) => (typeof entry.OldestUndeliveredAgeSeconds === "number" ? [entry.OldestUndeliveredAgeSeconds] : []));
    expect(ages).toHaveLength(2);
    expect(ages[0]).toBeGreaterThanOrEqual(2 * 60 * 60 - 60);
    expect(ages[1]).toBe(0);
    expect(publishedIds()).toEqual([id, id]);
  });

  it("publishes nothing while the evaluate invocation that created the finding is still publishing it", async () => {
    // Prepare: the creator's Publish is in flight until the test lets SNS answer.
    const deployment = await deploy(monitor);
    let answer: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => {
      answer = resolve;
    });
    let publishStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      publishStarted = resolve;
    });
    sns.on(PublishCommand).callsFake(async () => {
      publishStarted();
      await inFlight;
      return { MessageId: randomUUID() };
    });
    const evaluate = await deployment.evaluate();
    const sweep = await deployment.retryNotifications();

    // Act
    const evaluated = evaluate(sqsEvent(eventMessage(withEventId(USER_CREATED))), evaluateContext());
    await started;
    const duringPublish = await sweep(scheduledEvent(), sweepContext());
    answer();
    const result = await evaluated;
    const afterwards = await sweep(scheduledEvent(), sweepContext());

    // Assess
    expect(duringPublish).toEqual({ delivered: 0, failed: 0, suppressionsExpired: 0 });
    expect(afterwards).toEqual({ delivered: 0, failed: 0, suppressionsExpired: 0 });
    expect(result).toEqual({ batchItemFailures: [] });
    const [finding] = (await deployment.store.reader.listFindings()).items;
    expect(publishedIds()).toEqual([finding?.id]);
  });

  it("publishes nothing while another holder's lease runs, and publishes once that lease has ended", async () => {
    // Prepare: an invocation created the finding and timed out while SNS hung; only the clock frees its lease.
    const deployment = await deploy(monitor);
    sns.on(PublishCommand).callsFake(() => new Promise<never>(() => undefined));
    const evaluate = await deployment.evaluate();
    const timedOut = evaluate(sqsEvent(eventMessage(withEventId(USER_CREATED))), lambdaContext("vigil-prod-Evaluate", 1000));
    await expect(timedOut).rejects.toThrow(/aborted/);
    const [finding] = (await deployment.store.reader.listFindings()).items;
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: randomUUID() });
    const sweep = await deployment.retryNotifications();

    // Act
    const whileHeld = await sweep(scheduledEvent(), sweepContext());
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + LEASE_MS + 1000 });
    const afterLease = await sweep(scheduledEvent(), sweepContext());
    const again = await sweep(scheduledEvent(), sweepContext());

    // Assess
    expect(whileHeld).toEqual({ delivered: 0, failed: 0, suppressionsExpired: 0 });
    expect(afterLease).toEqual({ delivered: 1, failed: 0, suppressionsExpired: 0 });
    expect(again).toEqual({ delivered: 0, failed: 0, suppressionsExpired: 0 });
    expect(publishedIds()).toEqual([finding?.id]);
  });
  it("reopens the findings whose suppression has ended, and leaves a suppression still running alone", async () => {
    // Prepare: two delivered findings, suppressed an hour ago, one until half an hour ago and one until tomorrow.
    const deployment = await deploy(monitor);
    sns.on(PublishCommand).resolves({ MessageId: randomUUID() });
    const evaluate = await deployment.evaluate();
    for (let i = 0; i < 2; i++) expect(await evaluate(sqsEvent(eventMessage(withEventId(USER_CREATED))), evaluateContext())).toEqual({ batchItemFailures: [] });
    const [lapsed, running] = (await deployment.store.reader.listFindings()).items.map((finding) => finding.id);
    const hourAgo = Date.now() - 60 * 60_000;
    const suppress = (id: string, until: number) =>
      deployment.store.triage.transition(id, { action: "suppress", actor: ALICE, reason: "change window", until: new Date(until).toISOString() });
    const dayAhead = Date.now() + 24 * 60 * 60_000;
    // Suppressed an hour ago, as the store's clock then said.
    vi.useFakeTimers({ toFake: ["Date"], now: hourAgo });
    await suppress(lapsed!, hourAgo + 30 * 60_000);
    await suppress(running!, dayAhead);
    vi.useRealTimers();
    const sweep = await deployment.retryNotifications();

    // Act
    const first = await sweep(scheduledEvent(), sweepContext());
    const second = await sweep(scheduledEvent(), sweepContext());

    // Assess: written down once, as the item itself now reads; the history says who and why.
    expect([first, second]).toEqual([
      { delivered: 0, failed: 0, suppressionsExpired: 1 },
      { delivered: 0, failed: 0, suppressionsExpired: 0 },
    ]);
    const stored = async (id: string) =>
      (await monitor.dynalite.client.send(new GetCommand({ TableName: deployment.findingsTable, Key: { id }, ConsistentRead: true }))).Item;
    expect(await stored(lapsed!)).toMatchObject({ status: "open" });
    expect(await stored(lapsed!)).not.toHaveProperty("suppressedUntil");
    expect((await deployment.store.reader.getHistory(lapsed!))?.at(-1)).toMatchObject({ actor: "vigil", action: "reopen", from: "suppressed", to: "open", reason: "suppression expired" });
    expect(await stored(running!)).toMatchObject({ status: "suppressed" });
    expect(logs.entries()).toContainEqual(expect.objectContaining({ level: "INFO", message: "suppressions ended; the findings are open again", findingIds: [lapsed] }));
  });
});

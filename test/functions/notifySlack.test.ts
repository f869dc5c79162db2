import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { GetParametersCommand, type GetParametersCommandInput, type GetParametersCommandOutput, SSMClient, SSMServiceException } from "@aws-sdk/client-ssm";
import { clearCache } from "@middy/util";
import { digestPublishInput, formatDigest, slackDigestMessage, slackMessage } from "@vigil/notify";
import type { SQSRecord } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { SECRET_PATH, type SlackServer, startSlackServer } from "../packages/notify/slackServer.ts";
import { cloudTrailRecord, duplicate, eventMessage, lambdaContext, redelivered, slackQueueMessage, sqsEvent, TOPIC_ARN, withEventId } from "./lambdaEvents.ts";
import {
  type CapturedLogs,
  captureLogs,
  type Deployment,
  deploy,
  type EvaluateModule,
  type LocalMonitor,
  type NotifySlackModule,
  publishedFinding,
  SLACK_WEBHOOK_PARAMETER,
  startLocalMonitor,
} from "./localMonitor.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
mockClient(IAMClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");

let monitor: LocalMonitor;
let slack: SlackServer;
let deployment: Deployment;
let evaluate: EvaluateModule["handler"];
let notifySlack: NotifySlackModule["handler"];
let logs: CapturedLogs;

/** Published notifications by finding id, as the topic delivered them. */
const published = new Map<string, { input: PublishCommandInput; messageId: string }>();

beforeAll(async () => {
  monitor = await startLocalMonitor();
  slack = await startSlackServer();
  ssm.on(GetParametersCommand, PARAMETER_READ).resolves(webhookParameter());
  sns.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
    const messageId = randomUUID();
    published.set(publishedFinding(input).id, { input, messageId });
    return { MessageId: messageId };
  });
  deployment = await deploy(monitor);
  evaluate = await deployment.evaluate();
  notifySlack = await deployment.notifySlack();
});
afterAll(async () => {
  await slack?.close();
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  slack.requests.length = 0;
  slack.reply({ status: 200, body: "ok" });
});

/** The read the ssm middleware makes: the stack's parameter, decrypted. */
const PARAMETER_READ = { Names: [SLACK_WEBHOOK_PARAMETER], WithDecryption: true };

/** GetParameters' answer for the webhook's SecureString, decrypted, as the SSM API reference shows it. */
function webhookParameter(): Omit<GetParametersCommandOutput, "$metadata"> {
  return {
  Parameters: [
    {
      Name: SLACK_WEBHOOK_PARAMETER,
      Type: "SecureString",
      Value: slack.url,
      Version: 3,
      LastModifiedDate: new Date("2026-10-02T09:12:44.211Z"),
      ARN: `arn:aws:ssm:us-east-1:111122223333:parameter${SLACK_WEBHOOK_PARAMETER}`,
      DataType: "text",
    },
  ],
  InvalidParameters: [],
};
}

/** Lambda's context; the handler's type also names slackWebhookUrl, which the ssm middleware adds to it. */
const context = () => lambdaContext("vigil-prod-NotifySlack") as Parameters<NotifySlackModule["handler"]>[1];

/** A new event evaluated end to end: its finding stored and published; returns the Slack queue's message for it. */
async function newFinding(): Promise<{ findingId: string; message: SQSRecord }> {
  const record = withEventId(USER_CREATED);
  expect(await evaluate(sqsEvent(eventMessage(record)), lambdaContext("vigil-prod-Evaluate"))).toEqual({ batchItemFailures: [] });
  const [entry] = [...published.entries()].filter(([, { input }]) => publishedFinding(input).eventId === record.eventID);
  if (!entry) throw new Error(`no notification was published for ${record.eventID}`);
  const [findingId, { input, messageId }] = entry;
  return { findingId, message: slackQueueMessage(input, messageId) };
}

/** The parameter reads made since the mock's history was last reset. */
const parameterReads = (): GetParametersCommandInput[] => ssm.commandCalls(GetParametersCommand).map((call) => call.args[0].input);

const slackState = async (findingId: string) => (await deployment.store.outbox.getDeliveries(findingId))?.slack;

/** No captured line holds the webhook URL or its token path, and the captures are not empty. */
function expectNoWebhookUrlIn(captured: CapturedLogs) {
  expect(captured.lines.length).toBeGreaterThan(0);
  for (const line of captured.lines) {
    expect(line).not.toContain(slack.url);
    expect(line).not.toContain(SECRET_PATH);
    expect(line).not.toContain(SECRET_PATH.split("/").at(-1));
  }
}

describe("Function: notifySlack handler", () => {
  it("reads the webhook URL on its first invocation, decrypted, from the SSM parameter the stack names, and caches it", async () => {
    // Prepare: a new container, with nothing cached from the ones before it.
    clearCache();
    ssm.resetHistory();
    const fresh = await deployment.notifySlack();
    expect(parameterReads()).toEqual([]);

    // Act
    const first = await fresh(sqsEvent((await newFinding()).message), context());
    const second = await fresh(sqsEvent((await newFinding()).message), context());

    // Assess
    expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(slack.requests).toHaveLength(2);
    expect(parameterReads()).toEqual([PARAMETER_READ]);
  });

  it("fails the invocation when the parameter cannot be read, posts nothing, and reads it again on the next one", async () => {
    // Prepare: the role lost kms:Decrypt on the parameter's key for a moment.
    clearCache();
    ssm.resetHistory();
    ssm.on(GetParametersCommand, PARAMETER_READ).rejectsOnce(
      new SSMServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: `User: arn:aws:sts::111122223333:assumed-role/vigil-prod-NotifySlackRole/vigil-prod-NotifySlack is not authorized to perform: kms:Decrypt`,
      }),
    ).resolves(webhookParameter());
    const fresh = await deployment.notifySlack();
    const { findingId, message } = await newFinding();

    // Act
    const failed = fresh(sqsEvent(message), context());

    // Assess: the whole batch fails (the queue redelivers it), logged with SSM's reason; nothing was posted or marked.
    await expect(failed).rejects.toThrow();
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "invocation failed; the queue will redeliver the batch",
        reasons: [expect.objectContaining({ name: "AccessDeniedException", message: expect.stringContaining("not authorized to perform: kms:Decrypt") })],
      }),
    );
    expect(slack.requests).toHaveLength(0);
    expect(await slackState(findingId)).toMatchObject({ delivered: false, attempts: 0 });

    // Act: the queue redelivers the message to the same container.
    const recovered = await fresh(sqsEvent(message), context());

    // Assess
    expect(recovered).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(1);
    expect(await slackState(findingId)).toMatchObject({ delivered: true, attempts: 1 });
    expect(parameterReads()).toHaveLength(2);
  });

  it("posts a notification to Slack once, as the Block Kit message of the stored finding", async () => {
    // Prepare
    const { findingId, message } = await newFinding();

    // Act
    const result = await notifySlack(sqsEvent(message), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(1);
    const [request] = slack.requests;
    expect(request).toMatchObject({ method: "POST", path: SECRET_PATH, contentType: expect.stringContaining("application/json") });
    const stored = await deployment.store.reader.getFinding(findingId);
    expect(stored).toBeDefined();
    const body = JSON.parse(request?.body ?? "") as { blocks: { type: string }[] };
    expect(body).toEqual(slackMessage(stored!));
    expect(body.blocks.map((block) => block.type)).toContain("header");
    expect(await slackState(findingId)).toMatchObject({ delivered: true, attempts: 1 });
    expect(logs.entries()).toContainEqual(expect.objectContaining({ level: "INFO", message: "slack message handled", findingId, result: "posted" }));
  });

  it("posts a posture run's digest as its Block Kit message, and logs the run it came from", async () => {
    // Prepare: the digest of a run that found what evaluate just stored, as PostureRunner publishes it.
    const { findingId } = await newFinding();
    const finding = await deployment.store.reader.getFinding(findingId);
    const digest = formatDigest({ account: "111122223333", region: "us-east-1", runAt: "2026-11-22T06:00:00.000Z", created: [finding!], reopened: [], resolved: [], stillOpen: [], skipped: [] });
    const message = slackQueueMessage(digestPublishInput(digest, TOPIC_ARN), randomUUID());

    // Act
    const result = await notifySlack(sqsEvent(message), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(1);
    expect(JSON.parse(slack.requests[0]?.body ?? "")).toEqual(slackDigestMessage(digest.message));
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: "INFO", message: "slack message handled", digest: { account: "111122223333", runAt: "2026-11-22T06:00:00.000Z" }, result: "posted" }),
    );
    expectNoWebhookUrlIn(logs);
  });

  it("posts once when the queue delivers the same notification again in a later batch", async () => {
    // Prepare
    const { findingId, message } = await newFinding();

    // Act
    const first = await notifySlack(sqsEvent(message), context());
    const again = await notifySlack(sqsEvent(redelivered(message)), context());

    // Assess
    expect([first, again]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(slack.requests).toHaveLength(1);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ message: "slack message handled", findingId, result: "already-posted" }));
  });

  it("posts once when SNS delivered the notification twice into one batch, the copy being retried without a post", async () => {
    // Prepare: SNS's at-least-once delivery: two queue messages, one SNS message.
    const { message } = await newFinding();
    const copy = duplicate(message);

    // Act
    const result = await notifySlack(sqsEvent(message, copy), context());
    const failed = [message, copy].filter((record) => result.batchItemFailures.some((failure) => failure.itemIdentifier === record.messageId));
    const retried = failed.length > 0 ? await notifySlack(sqsEvent(...failed.map(redelivered)), context()) : { batchItemFailures: [] };

    // Assess: the copy either found the post done, or found it in progress and went back to the queue.
    expect(failed.length).toBeLessThan(2);
    expect(retried).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(1);
  });

  it("waits as long as Slack's Retry-After asks after a 429, then posts once", async () => {
    // Prepare
    const { findingId, message } = await newFinding();
    slack.reply({ status: 429, body: "rate_limited", headers: { "retry-after": "1" } }, { status: 200, body: "ok" });
    const started = Date.now();

    // Act
    const result = await notifySlack(sqsEvent(message), context());

    // Assess
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(2);
    expect(slack.requests[0]?.body).toBe(slack.requests[1]?.body);
    expect(await slackState(findingId)).toMatchObject({ delivered: true });
  });

  it("fails only the message Slack keeps refusing with 500, gives its lease back, and posts it on redelivery once Slack recovers", async () => {
    // Prepare: a batch with a new notification and a copy of one already posted.
    const posted = await newFinding();
    expect(await notifySlack(sqsEvent(posted.message), context())).toEqual({ batchItemFailures: [] });
    const { findingId, message } = await newFinding();
    slack.requests.length = 0;
    slack.reply({ status: 500, body: "Internal Server Error" });

    // Act
    const failing = await notifySlack(sqsEvent(message, redelivered(posted.message)), context());
    const stateAfterFailure = await slackState(findingId);
    const requestsWhileFailing = slack.requests.length;
    slack.reply({ status: 200, body: "ok" });
    const recovered = await notifySlack(sqsEvent(redelivered(message)), context());

    // Assess
    expect(failing).toEqual({ batchItemFailures: [{ itemIdentifier: message.messageId }] });
    expect(requestsWhileFailing).toBeGreaterThan(1);
    expect(stateAfterFailure).toMatchObject({ delivered: false, lastError: expect.stringContaining("HTTP 500") });
    expect(stateAfterFailure?.lease).toBeUndefined();
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: "ERROR", message: "slack delivery failed; the queue will retry it", messageId: message.messageId }),
    );
    expect(recovered).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(requestsWhileFailing + 1);
    expect(await slackState(findingId)).toMatchObject({ delivered: true });
  });

  it("never logs the webhook URL, not even when Slack's error page quotes it", async () => {
    // Prepare: a copy of a posted notification rides along, so that the batch does not fail whole.
    const { message } = await newFinding();
    const posted = await newFinding();
    expect(await notifySlack(sqsEvent(posted.message), context())).toEqual({ batchItemFailures: [] });
    slack.reply({ status: 503, body: `<html>upstream unavailable for POST ${slack.url} (${SECRET_PATH})</html>` });

    // Act
    const failing = await notifySlack(sqsEvent(message, redelivered(posted.message)), context());
    slack.reply({ status: 200, body: "ok" });
    const recovered = await notifySlack(sqsEvent(redelivered(message)), context());

    // Assess
    expect(failing.batchItemFailures).toEqual([{ itemIdentifier: message.messageId }]);
    expect(recovered).toEqual({ batchItemFailures: [] });
    expect(logs.lines.join("\n")).toContain("HTTP 503");
    expectNoWebhookUrlIn(logs);
  });

  it("posts nothing for a notification of a finding the store does not hold", async () => {
    // Prepare: a notification from another deployment's topic, for a finding this table never stored.
    const { message } = await newFinding();
    const envelope = JSON.parse(message.body) as { Message: string };
    const foreign = { ...(JSON.parse(envelope.Message) as Record<string, unknown>), id: "iam-user-created:000000000000000000000000" };
    const stray = slackQueueMessage(
      { TopicArn: "arn:aws:sns:us-east-1:111122223333:vigil-prod-findings", Message: JSON.stringify({ default: JSON.stringify(foreign) }) },
      randomUUID(),
    );

    // Act
    const result = await notifySlack(sqsEvent(stray), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(slack.requests).toHaveLength(0);
    expect(logs.entries()).toContainEqual(expect.objectContaining({ message: "slack message handled", result: "not-stored" }));
  });
});

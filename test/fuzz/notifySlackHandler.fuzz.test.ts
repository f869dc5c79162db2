import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, type PublishCommandInput, SNSClient } from "@aws-sdk/client-sns";
import { GetParametersCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { holdHandlersToTheirRoles } from "../functions/functionRoles.ts";
import { cloudTrailRecord, eventMessage, lambdaContext, SLACK_QUEUE_ARN, slackQueueMessage, sqsEvent, sqsRecord, withEventId } from "../functions/lambdaEvents.ts";
import { captureLogs, type EvaluateModule, type LocalMonitor, type NotifySlackModule, publishedFinding, SLACK_WEBHOOK_PARAMETER, startLocalMonitor, deploy } from "../functions/localMonitor.ts";
import { type SlackServer, startSlackServer } from "../packages/notify/slackServer.ts";
import { FUZZ_TIMEOUT_MS, fuzzRuns, HOSTILE_PIECES } from "./runs.ts";

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
mockClient(IAMClient);
holdHandlersToTheirRoles();

const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const published: PublishCommandInput[] = [];

let monitor: LocalMonitor;
let slack: SlackServer;
let evaluate: EvaluateModule["handler"];
let notifySlack: NotifySlackModule["handler"];
beforeAll(async () => {
  monitor = await startLocalMonitor();
  slack = await startSlackServer();
  ssm.on(GetParametersCommand, { Names: [SLACK_WEBHOOK_PARAMETER], WithDecryption: true }).resolves({
    Parameters: [{ Name: SLACK_WEBHOOK_PARAMETER, Type: "SecureString", Value: slack.url, Version: 1, DataType: "text", ARN: `arn:aws:ssm:us-east-1:111122223333:parameter${SLACK_WEBHOOK_PARAMETER}` }],
    InvalidParameters: [],
  });
  sns.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
    published.push(input);
    return { MessageId: randomUUID() };
  });
  const deployment = await deploy(monitor);
  evaluate = await deployment.evaluate();
  notifySlack = await deployment.notifySlack();
});
afterAll(async () => {
  await slack?.close();
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  captureLogs();
  slack.reply({ status: 200, body: "ok" });
});

/** Bodies that are not the SNS notification of one of Vigil's findings. */
const badBody = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.record({ Type: fc.constantFrom("Notification", "SubscriptionConfirmation", "x"), Message: fc.oneof(fc.string(), fc.jsonValue().map((value) => JSON.stringify(value))), TopicArn: fc.string() }).map((value) => JSON.stringify(value)),
);

describe("Fuzz: the Slack handler's message parsing", () => {
  it("fails exactly the messages that are not Vigil's notifications, and posts every finding of the batch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(badBody, { minLength: 1, maxLength: 4 }), fc.constantFrom(...HOSTILE_PIECES), async (bads, piece) => {
        const record = { ...withEventId(USER_CREATED), userAgent: `aws-cli/2.22.4 ${piece}` };
        const before = published.length;
        expect(await evaluate(sqsEvent(eventMessage(record)), lambdaContext("vigil-prod-Evaluate"))).toEqual({ batchItemFailures: [] });
        const notification = published.slice(before).find((input) => publishedFinding(input).eventId === record.eventID) as PublishCommandInput;
        const good = slackQueueMessage(notification, randomUUID());
        const badMessages = bads.map((body) => sqsRecord(body, { queueArn: SLACK_QUEUE_ARN, senderId: "AIDAIT2UOQQY3AUEKVGXU" }));
        const posted = slack.requests.length;

        const result = await notifySlack(sqsEvent(badMessages[0] as never, good, ...badMessages.slice(1)), lambdaContext("vigil-prod-NotifySlack") as never);

        expect(new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier))).toEqual(new Set(badMessages.map((message) => message.messageId)));
        expect(slack.requests.length - posted).toBe(1);
      }),
      { numRuns: fuzzRuns(20) },
    );
  }, FUZZ_TIMEOUT_MS);
});

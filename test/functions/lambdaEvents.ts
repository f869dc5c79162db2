import { createHash, randomUUID } from "node:crypto";
import type { PublishCommandInput } from "@aws-sdk/client-sns";
import { extractRecords } from "@vigil/core";
import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import { loadFixture } from "../helpers/fixtures.ts";

/** Shapes of what Lambda hands the handlers, as the AWS documentation shows them. */

export const ACCOUNT = "111122223333";
export const REGION = "us-east-1";
export const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT}:vigil-prod-findings`;
export const EVENTS_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:vigil-prod-EventsQueue`;
export const SLACK_QUEUE_ARN = `arn:aws:sqs:${REGION}:${ACCOUNT}:vigil-prod-SlackQueue`;

export type CloudTrailRecord = Record<string, unknown> & { eventID: string };

/** The CloudTrail records of a fixture, whatever envelope the file holds them in. */
export function cloudTrailRecords(fixture: string): CloudTrailRecord[] {
  return [...extractRecords(loadFixture(fixture))].map((item) => {
    if (item.kind === "error") throw new Error(`${fixture} ${item.at}: ${item.message}`);
    return item.value as CloudTrailRecord;
  });
}

/** The one record of a fixture that holds exactly one. */
export function cloudTrailRecord(fixture: string): CloudTrailRecord {
  const records = cloudTrailRecords(fixture);
  const [record] = records;
  if (records.length !== 1 || !record) throw new Error(`${fixture}: expected one record, found ${records.length}`);
  return record;
}

/** The same call logged as another event: a new eventID, so a new finding. */
export function withEventId(record: CloudTrailRecord, eventID: string = randomUUID()): CloudTrailRecord {
  return { ...structuredClone(record), eventID };
}

const DETAIL_TYPES: Record<string, string> = {
  AwsConsoleSignIn: "AWS Console Sign In via CloudTrail",
  AwsServiceEvent: "AWS Service Event via CloudTrail",
  AwsConsoleAction: "AWS Console Action via CloudTrail",
};

/** The event EventBridge puts on the default bus for a CloudTrail record (`aws.iam`, `aws.signin`, ...). */
export function eventBridgeEvent(record: CloudTrailRecord): Record<string, unknown> {
  const eventSource = String(record.eventSource);
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": DETAIL_TYPES[String(record.eventType)] ?? "AWS API Call via CloudTrail",
    source: `aws.${eventSource.replace(/\.amazonaws\.com$/, "")}`,
    account: String(record.recipientAccountId ?? ACCOUNT),
    time: String(record.eventTime),
    region: String(record.awsRegion ?? REGION),
    resources: [],
    detail: record,
  };
}

export interface SqsRecordOptions {
  queueArn?: string;
  /** SQS keeps a message's id across redeliveries; a new id is a new message. */
  messageId?: string;
  receiveCount?: number;
  /** Who sent the message: EventBridge's or SNS's service principal. */
  senderId?: string;
}

/** One message of an SQS event source batch. */
export function sqsRecord(body: string, options: SqsRecordOptions = {}): SQSRecord {
  const sent = Date.now() - 1000;
  return {
    messageId: options.messageId ?? randomUUID(),
    receiptHandle: `AQEB${createHash("sha256").update(randomUUID()).digest("base64")}`,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: String(sent),
      SenderId: options.senderId ?? "AIDAIE6VAXUQU2DKHA7DK",
      ApproximateFirstReceiveTimestamp: String(sent + 20),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: options.queueArn ?? EVENTS_QUEUE_ARN,
    awsRegion: REGION,
  };
}

/** An events-queue message carrying one CloudTrail record as EventBridge delivers it. */
export function eventMessage(record: CloudTrailRecord, options: SqsRecordOptions = {}): SQSRecord {
  return sqsRecord(JSON.stringify(eventBridgeEvent(record)), options);
}

/** The same message delivered again: same id and body, a new receipt handle, one more receive. */
export function redelivered(record: SQSRecord): SQSRecord {
  return sqsRecord(record.body, {
    queueArn: record.eventSourceARN,
    messageId: record.messageId,
    receiveCount: Number(record.attributes.ApproximateReceiveCount) + 1,
    senderId: record.attributes.SenderId,
  });
}

/** The same body as another message of the queue (a publisher's duplicate): a new message id. */
export function duplicate(record: SQSRecord): SQSRecord {
  return sqsRecord(record.body, { queueArn: record.eventSourceARN, senderId: record.attributes.SenderId });
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/**
 * The body an SQS subscriber without raw message delivery receives for a Publish: the SNS
 * notification envelope with the sqs protocol's body as Message and the attributes as { Type, Value }.
 */
export function snsNotificationBody(input: PublishCommandInput, messageId: string): string {
  const bodies = JSON.parse(input.Message ?? "") as Record<string, string>;
  const attributes = Object.fromEntries(
    Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue }]),
  );
  return JSON.stringify({
    Type: "Notification",
    MessageId: messageId,
    TopicArn: input.TopicArn,
    Subject: input.Subject,
    Message: bodies.sqs ?? bodies.default,
    Timestamp: new Date().toISOString(),
    SignatureVersion: "1",
    Signature: "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
    SigningCertURL: `https://sns.${REGION}.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem`,
    UnsubscribeURL: `https://sns.${REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${input.TopicArn}:c9135db0-26c4-47ec-8998-413945fb5a96`,
    MessageAttributes: attributes,
  });
}

/** A Slack-queue message: the SNS notification of one Publish. */
export function slackQueueMessage(input: PublishCommandInput, snsMessageId: string, options: SqsRecordOptions = {}): SQSRecord {
  return sqsRecord(snsNotificationBody(input, snsMessageId), { queueArn: SLACK_QUEUE_ARN, senderId: "AIDAIT2UOQQY3AUEKVGXU", ...options });
}

/** The Lambda context object of one invocation. */
export function lambdaContext(functionName: string, timeoutMs = 30_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `2026/11/22/[$LATEST]${randomUUID().replaceAll("-", "")}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

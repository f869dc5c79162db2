import type { PublishCommandInput } from "@aws-sdk/client-sns";
import { InvalidInputError } from "@vigil/core";
import { parseFindingMessage, parseSnsEnvelope, snsPublishInput } from "@vigil/notify";
import { describe, expect, it } from "vitest";
import { escalation, hostileFinding } from "./findings.ts";

const TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:vigil-alerts";

/**
 * The body an SQS subscriber without raw message delivery receives for a Publish, in the
 * notification format of the SNS developer guide: the sqs protocol's body as `Message`, the
 * attributes as `{ Type, Value }`.
 */
function sqsBody(input: PublishCommandInput): string {
  const bodies = JSON.parse(input.Message ?? "") as Record<string, string>;
  const attributes = Object.fromEntries(
    Object.entries(input.MessageAttributes ?? {}).map(([name, value]) => [name, { Type: value.DataType, Value: value.StringValue }]),
  );
  return JSON.stringify({
    Type: "Notification",
    MessageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
    TopicArn: TOPIC_ARN,
    Subject: input.Subject,
    Message: bodies.sqs ?? bodies.default,
    Timestamp: "2026-11-20T16:04:02.018Z",
    SignatureVersion: "1",
    Signature: "EXAMPLEpH+DcEwjAPg8O9mY8dReBSwksfg2S7WKQcikcNKWLQjwu6A4VbeS0QHVCkhRS7fUQvi2egU3N858fiTDN6bkkOxYDVrY0Ad8L10Hs3zH81mtnPk5uvvolIC1CXGu43obcgFxeL3khZl8IKvO61GWB6jI9b5+gLPoBc1Q=",
    SigningCertURL: "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem",
    UnsubscribeURL: `https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${TOPIC_ARN}:c9135db0-26c4-47ec-8998-413945fb5a96`,
    MessageAttributes: attributes,
  });
}

function thrown(action: () => unknown): InvalidInputError {
  try {
    action();
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error("expected an InvalidInputError");
}

describe("Function: parseSnsEnvelope", () => {
  it("returns the message and the attributes of a notification as SQS receives it", async () => {
    // Prepare
    const finding = await escalation();
    const input = snsPublishInput(finding, TOPIC_ARN);

    // Act
    const notification = parseSnsEnvelope(sqsBody(input));

    // Assess
    expect(notification).toEqual({
      messageId: "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324",
      topicArn: TOPIC_ARN,
      timestamp: "2026-11-20T16:04:02.018Z",
      subject: input.Subject,
      message: expect.any(String),
      attributes: { severity: finding.severity, ruleId: finding.ruleId, account: finding.account },
    });
    expect(parseFindingMessage(notification.message)).toStrictEqual(finding);
  });

  it("accepts a notification without subject or attributes", () => {
    // Prepare
    const body = JSON.parse(sqsBody(snsPublishInput(hostileFinding(), TOPIC_ARN))) as Record<string, unknown>;
    delete body.Subject;
    delete body.MessageAttributes;

    // Act
    const notification = parseSnsEnvelope(JSON.stringify(body));

    // Assess
    expect(notification.subject).toBeUndefined();
    expect(notification.attributes).toEqual({});
  });

  it.each([
    ["a subscription confirmation", { Type: "SubscriptionConfirmation" }, "Type"],
    ["a missing Message", { Message: undefined }, "Message"],
    ["a Message that is not a string", { Message: { id: "x" } }, "Message"],
    ["a missing MessageId", { MessageId: undefined }, "MessageId"],
    ["an attribute without Value", { MessageAttributes: { severity: { Type: "String" } } }, "MessageAttributes.severity.Value"],
  ])("refuses %s, naming the field", (_case, change, path) => {
    // Prepare
    const body = { ...(JSON.parse(sqsBody(snsPublishInput(hostileFinding(), TOPIC_ARN))) as object), ...change };

    // Act
    const error = thrown(() => parseSnsEnvelope(JSON.stringify(body)));

    // Assess
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.source).toBe("SNS notification");
  });

  it("refuses a body that is not JSON", () => {
    // Act
    const error = thrown(() => parseSnsEnvelope("{\"Type\":\"Notification\","));

    // Assess
    expect(error.message).toMatch(/^not valid JSON/);
    expect(error.source).toBe("SNS notification");
  });
});

describe("Function: parseFindingMessage", () => {
  it("reads back the finding JSON the topic sends to machine subscribers", async () => {
    // Prepare
    const finding = await escalation();
    const { lambda } = JSON.parse(snsPublishInput(finding, TOPIC_ARN).Message ?? "") as Record<string, string>;

    // Act / Assess
    expect(parseFindingMessage(lambda ?? "")).toStrictEqual(finding);
  });

  it.each([
    ["a missing severity", { severity: undefined }, "severity", /required field is missing/],
    ["an unknown severity", { severity: "SEVERE" }, "severity", /CRITICAL/],
    ["an unknown status", { status: "closed" }, "status", /open/],
    ["an empty id", { id: "" }, "id", /./],
    ["a reference of an unknown framework", { references: [{ framework: "NIST", id: "AC-2", title: "Account Management" }] }, "references.0.framework", /./],
    ["eventIds that are not strings", { eventIds: [1, 2] }, "eventIds.0", /string/],
    ["details that are not an object", { details: "none" }, "details", /object|record/i],
  ])("refuses %s, naming the field", (_case, change, path, message) => {
    // Prepare
    const text = JSON.stringify({ ...hostileFinding(), ...change });

    // Act
    const error = thrown(() => parseFindingMessage(text));

    // Assess
    expect(error.path).toBe(path);
    expect(error.message.startsWith(`${path}: `)).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.source).toBe("finding message");
  });

  it("refuses text that is not JSON", () => {
    expect(thrown(() => parseFindingMessage("CRITICAL: root signed in")).message).toMatch(/^not valid JSON/);
  });
});

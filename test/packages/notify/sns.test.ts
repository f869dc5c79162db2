import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { atLeast, type Finding, SEVERITIES } from "@vigil/core";
import {
  formatEmail,
  MACHINE_PROTOCOLS,
  MAX_PUBLISH_BYTES,
  parseFindingMessage,
  publishBytes,
  SnsNotifier,
  SnsPublishError,
  severityFilterPolicy,
  snsPublishInput,
} from "@vigil/notify";
import { mockClient } from "aws-sdk-client-mock";
import { afterEach, describe, expect, it } from "vitest";
import { escalation, hostileFinding, rootLogin } from "./findings.ts";

const TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:vigil-alerts";
const sns = mockClient(SNSClient);

/** The per-protocol bodies of a MessageStructure json message. */
function bodies(message: string | undefined): Record<string, string> {
  return JSON.parse(message ?? "") as Record<string, string>;
}

describe("Function: snsPublishInput", () => {
  it("gives machine protocols the finding JSON, email the plain text, and filterable attributes", async () => {
    // Prepare
    const finding = await escalation();

    // Act
    const input = snsPublishInput(finding, TOPIC_ARN);

    // Assess
    const email = formatEmail(finding);
    expect(input).toEqual({
      TopicArn: TOPIC_ARN,
      MessageStructure: "json",
      Message: expect.any(String),
      Subject: email.subject,
      MessageAttributes: {
        severity: { DataType: "String", StringValue: finding.severity },
        ruleId: { DataType: "String", StringValue: "policy-privilege-escalation" },
        account: { DataType: "String", StringValue: "111122223333" },
      },
    });
    const perProtocol = bodies(input.Message);
    expect(Object.keys(perProtocol).sort()).toEqual(["default", "email", ...MACHINE_PROTOCOLS].sort());
    for (const protocol of ["default", ...MACHINE_PROTOCOLS]) {
      expect(parseFindingMessage(perProtocol[protocol] ?? "")).toStrictEqual(finding);
    }
    expect(perProtocol.email).toBe(email.text);
  });

  it("leaves out an attribute SNS would refuse as empty", () => {
    // Act
    const input = snsPublishInput(hostileFinding({ account: "" }), TOPIC_ARN);

    // Assess
    expect(Object.keys(input.MessageAttributes ?? {})).toEqual(["severity", "ruleId"]);
  });

  it("stays within the 256 KiB Publish limit by dropping bulky details before anything else", () => {
    // Prepare: details of about 300 KB, over the limit even in a single copy.
    const finding = hostileFinding({ details: { statements: Array.from({ length: 3000 }, (_, n) => ({ sid: `S${n}`, action: "x".repeat(80) })) } });

    // Act
    const input = snsPublishInput(finding, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    const delivered = parseFindingMessage(bodies(input.Message).default ?? "");
    const { details: _dropped, ...rest } = finding;
    expect(delivered).toStrictEqual(rest);
    expect(bodies(input.Message).email).toBe(formatEmail(rest).text);
  });

  it("keeps details when the finding JSON fits once but not in every protocol's copy", () => {
    // Prepare: about 60 KB of details fit once, not seven times.
    const finding = hostileFinding({ details: { note: "y".repeat(60_000) } });

    // Act
    const input = snsPublishInput(finding, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    expect(Object.keys(bodies(input.Message)).sort()).toEqual(["default", "email"]);
    expect(parseFindingMessage(bodies(input.Message).default ?? "")).toStrictEqual(finding);
  });

  it("cuts oversized strings as a last resort and still delivers a valid finding", () => {
    // Prepare
    const finding = hostileFinding({ summary: "\u0001".repeat(300_000), resource: "é".repeat(200_000) });

    // Act
    const input = snsPublishInput(finding, TOPIC_ARN);

    // Assess
    expect(publishBytes(input)).toBeLessThanOrEqual(MAX_PUBLISH_BYTES);
    const delivered = parseFindingMessage(bodies(input.Message).default ?? "");
    expect(delivered.id).toBe(finding.id);
    expect(delivered.summary.length).toBeLessThan(finding.summary.length);
    expect(delivered.principal).toBe(finding.principal);
    expect(input.Subject).toBe(formatEmail(finding).subject);
  });
});

describe("Function: severityFilterPolicy", () => {
  it("passes HIGH and CRITICAL for a HIGH minimum", () => {
    expect(severityFilterPolicy("HIGH")).toEqual({ severity: ["CRITICAL", "HIGH"] });
  });

  it("lists exactly the severities at or above the minimum, for every minimum", () => {
    for (const minimum of SEVERITIES) {
      const { severity } = severityFilterPolicy(minimum);
      expect(severity).toContain(minimum);
      for (const level of SEVERITIES) expect(severity.includes(level)).toBe(atLeast(level, minimum));
    }
  });

  it("matches the severity attribute the published message carries", async () => {
    // Prepare
    const finding: Finding = await rootLogin();
    const attribute = snsPublishInput(finding, TOPIC_ARN).MessageAttributes?.severity?.StringValue;

    // Act / Assess
    expect(severityFilterPolicy(finding.severity).severity).toContain(attribute);
    expect(severityFilterPolicy("INFO").severity).toContain(attribute);
  });
});

describe("Class: SnsNotifier", () => {
  afterEach(() => sns.reset());

  describe("Method: publish", () => {
    it("publishes the finding's input to the topic and resolves with the MessageId", async () => {
      // Prepare
      const finding = await rootLogin();
      sns.on(PublishCommand).resolves({ MessageId: "94f20ce6-13c5-43a0-9a9e-ca52d816e90b" });
      const notifier = new SnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN });

      // Act
      const messageId = await notifier.publish(finding);

      // Assess
      expect(messageId).toBe("94f20ce6-13c5-43a0-9a9e-ca52d816e90b");
      const calls = sns.commandCalls(PublishCommand);
      expect(calls).toHaveLength(1);
      const input = calls[0]?.args[0].input;
      expect(input).toEqual(snsPublishInput(finding, TOPIC_ARN));
      expect(input?.MessageStructure).toBe("json");
      expect(parseFindingMessage(bodies(input?.Message).sqs ?? "")).toStrictEqual(finding);
      expect(bodies(input?.Message).email).toContain(finding.remediation);
    });

    it("wraps an SNS failure in SnsPublishError naming the finding", async () => {
      // Prepare
      const finding = await rootLogin();
      const failure = Object.assign(new Error("Topic does not exist"), { name: "NotFoundException" });
      sns.on(PublishCommand).rejects(failure);
      const notifier = new SnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN });

      // Act
      const error = await notifier.publish(finding).catch((caught: unknown) => caught);

      // Assess
      expect(error).toBeInstanceOf(SnsPublishError);
      expect((error as SnsPublishError).message).toBe(`publishing finding ${finding.id}: Topic does not exist`);
      expect((error as SnsPublishError).cause).toBe(failure);
    });
  });
});

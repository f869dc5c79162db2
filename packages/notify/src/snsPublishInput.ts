import type { MessageAttributeValue, PublishCommandInput } from "@aws-sdk/client-sns";
import type { Finding } from "@vigil/core";
import { formatEmail } from "./email.ts";
import { MessageTooLargeError } from "./errors.ts";
import { clip } from "./text.ts";

/** Protocols whose subscribers are programs: they get the finding JSON, which parseFindingMessage reads. */
export const MACHINE_PROTOCOLS = ["sqs", "lambda", "http", "https", "email-json"] as const;

/** Publish limit of a standard topic: message and attributes together (256 KiB). */
export const MAX_PUBLISH_BYTES = 262_144;

interface Candidate {
  finding: Finding;
  /** Name every machine protocol, or leave them to `default` (which SNS sends to any protocol without its own key). */
  explicitProtocols: boolean;
}

/** Shorter and shorter versions of the message: lossless first, then without `details`, then with long strings cut. */
function* candidates(finding: Finding): Generator<Candidate> {
  yield { finding, explicitProtocols: true };
  yield { finding, explicitProtocols: false };
  const { details: _details, ...lean } = finding;
  yield { finding: lean, explicitProtocols: false };
  for (const max of [4096, 1024, 256, 64]) yield { finding: clipStrings(lean, max), explicitProtocols: false };
}

function clipStrings(finding: Finding, max: number): Finding {
  const clipped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(finding)) clipped[key] = typeof value === "string" ? clip(value, max) : value;
  return {
    ...(clipped as unknown as Finding),
    ...(finding.eventIds ? { eventIds: finding.eventIds.slice(-Math.max(1, max / 64)).map((id) => clip(id, max)) } : {}),
    references: finding.references.map((reference) => ({ ...reference, id: clip(reference.id, max), title: clip(reference.title, max) })),
  };
}

function attributes(finding: Finding): Record<string, MessageAttributeValue> {
  const values = { severity: finding.severity, ruleId: finding.ruleId, account: finding.account };
  const result: Record<string, MessageAttributeValue> = {};
  // SNS refuses an attribute with an empty value; a finding without an account simply has none.
  for (const [name, value] of Object.entries(values)) if (value) result[name] = { DataType: "String", StringValue: value };
  return result;
}

function build(candidate: Candidate, topicArn: string): PublishCommandInput {
  const { finding } = candidate;
  const json = JSON.stringify(finding);
  const email = formatEmail(finding);
  const bodies: Record<string, string> = { default: json };
  if (candidate.explicitProtocols) for (const protocol of MACHINE_PROTOCOLS) bodies[protocol] = json;
  bodies.email = email.text;
  return {
    TopicArn: topicArn,
    MessageStructure: "json",
    Message: JSON.stringify(bodies),
    Subject: email.subject,
    MessageAttributes: attributes(finding),
  };
}

/** Bytes SNS counts against the limit (message and attributes), with the subject added for margin. */
export function publishBytes(input: PublishCommandInput): number {
  let bytes = Buffer.byteLength(input.Message ?? "") + Buffer.byteLength(input.Subject ?? "");
  for (const [name, attribute] of Object.entries(input.MessageAttributes ?? {})) {
    bytes += Buffer.byteLength(name) + Buffer.byteLength(attribute.DataType ?? "") + Buffer.byteLength(attribute.StringValue ?? "");
  }
  return bytes;
}

/**
 * The Publish input for a finding: one message with a body per protocol (MessageStructure json):
 * the finding JSON for `default` and the machine protocols, the plain-text email for `email`, the
 * email subject as Subject, and `severity`, `ruleId`, `account` attributes for subscription
 * filter policies. A finding too large for SNS loses `details`, then has its long strings cut
 * (the finding store keeps it whole).
 */
export function snsPublishInput(finding: Finding, topicArn: string): PublishCommandInput {
  let bytes = 0;
  for (const candidate of candidates(finding)) {
    const input = build(candidate, topicArn);
    bytes = publishBytes(input);
    if (bytes <= MAX_PUBLISH_BYTES) return input;
  }
  throw new MessageTooLargeError(finding.id, bytes, MAX_PUBLISH_BYTES);
}

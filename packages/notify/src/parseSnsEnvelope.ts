import * as z from "zod";
import { invalidInput, parseJson } from "./invalidInput.ts";

const envelopeSchema = z.object({
  Type: z.literal("Notification"),
  MessageId: z.string().min(1),
  TopicArn: z.string().min(1),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string().min(1),
  MessageAttributes: z.record(z.string(), z.object({ Type: z.string(), Value: z.string() })).optional(),
});

export interface SnsNotification {
  messageId: string;
  topicArn: string;
  timestamp: string;
  subject?: string;
  /** The published message as the subscriber's protocol receives it (for Vigil, the finding JSON). */
  message: string;
  /** Message attributes by name, their values as sent (`String.Array` values stay JSON text). */
  attributes: Record<string, string>;
}

/**
 * The SNS notification envelope an SQS subscriber without raw message delivery receives as its
 * message body (`{"Type":"Notification","MessageId":…,"Message":"…"}`). A subscription
 * confirmation or any other shape is refused with an InvalidInputError naming the field.
 */
export function parseSnsEnvelope(body: string): SnsNotification {
  const value = parseJson(body, "SNS notification");
  const result = envelopeSchema.safeParse(value);
  if (!result.success) throw invalidInput(result.error, value, "SNS notification");
  const envelope = result.data;
  const attributes: Record<string, string> = {};
  for (const [name, attribute] of Object.entries(envelope.MessageAttributes ?? {})) attributes[name] = attribute.Value;
  return {
    messageId: envelope.MessageId,
    topicArn: envelope.TopicArn,
    timestamp: envelope.Timestamp,
    ...(envelope.Subject ? { subject: envelope.Subject } : {}),
    message: envelope.Message,
    attributes,
  };
}

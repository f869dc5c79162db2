import type { MessageAttributeValue, PublishCommandInput } from "@aws-sdk/client-sns";
import type { PostureDigest, PostureDigestMessage } from "./digest.ts";
import { MessageTooLargeError } from "./errors.ts";
import { MACHINE_PROTOCOLS, MAX_PUBLISH_BYTES, publishBytes } from "./snsPublishInput.ts";
import { DIGEST_KIND, DIGEST_RULE_ID, KIND_ATTRIBUTE } from "./subscriptionFilterPolicies.ts";
import { clip } from "./text.ts";

/** Of the email text, what is kept when even the lean message is over the limit. */
const CUT_TEXT_MAX = 100_000;

interface Candidate {
  message: PostureDigestMessage;
  text: string;
  /** Name every machine protocol, or leave them to `default`. */
  explicitProtocols: boolean;
}

/** Shorter and shorter versions: as formatted, then one JSON copy, then counts without the lists and the text cut. */
function* candidates(digest: PostureDigest): Generator<Candidate> {
  yield { message: digest.message, text: digest.text, explicitProtocols: true };
  yield { message: digest.message, text: digest.text, explicitProtocols: false };
  const { message } = digest;
  const lean: PostureDigestMessage = {
    ...message,
    new: [],
    reopened: [],
    resolved: [],
    omitted: { new: message.omitted.new + message.new.length, reopened: message.omitted.reopened + message.reopened.length, resolved: message.omitted.resolved + message.resolved.length },
    remediation: message.remediation ? { ...message.remediation, actions: [], omitted: message.remediation.omitted + message.remediation.actions.length } : null,
  };
  yield { message: lean, text: clip(digest.text, CUT_TEXT_MAX, "\n... (cut: the digest is too large for one message)\n"), explicitProtocols: false };
}

function attributes(digest: PostureDigest): Record<string, MessageAttributeValue> {
  const values = { severity: digest.severity, ruleId: DIGEST_RULE_ID, account: digest.account, [KIND_ATTRIBUTE]: DIGEST_KIND };
  const result: Record<string, MessageAttributeValue> = {};
  // SNS refuses an attribute with an empty value.
  for (const [name, value] of Object.entries(values)) if (value) result[name] = { DataType: "String", StringValue: value };
  return result;
}

/**
 * The Publish input of a posture digest, shaped as a finding's (snsPublishInput): the digest JSON
 * for `default` and the machine protocols, the plain text for `email`, the subject as Subject. Its
 * attributes: `severity` (the highest new one, INFO when none), `ruleId` "posture-digest",
 * `account`, and `kind` "digest", which is how subscription filter policies tell it from a
 * finding (see subscriptionFilterPolicies.ts). A digest too large for SNS keeps one JSON copy,
 * then only its counts and a cut text.
 *
 * @throws MessageTooLargeError if even that is over the Publish limit.
 */
export function digestPublishInput(digest: PostureDigest, topicArn: string): PublishCommandInput {
  let bytes = 0;
  for (const candidate of candidates(digest)) {
    const json = JSON.stringify(candidate.message);
    const bodies: Record<string, string> = { default: json };
    if (candidate.explicitProtocols) for (const protocol of MACHINE_PROTOCOLS) bodies[protocol] = json;
    bodies.email = candidate.text;
    const input: PublishCommandInput = { TopicArn: topicArn, MessageStructure: "json", Message: JSON.stringify(bodies), Subject: digest.subject, MessageAttributes: attributes(digest) };
    bytes = publishBytes(input);
    if (bytes <= MAX_PUBLISH_BYTES) return input;
  }
  throw new MessageTooLargeError(`${DIGEST_RULE_ID} of ${digest.account}`, bytes, MAX_PUBLISH_BYTES);
}

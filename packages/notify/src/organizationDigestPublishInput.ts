import type { PublishCommandInput } from "@aws-sdk/client-sns";
import { MessageTooLargeError } from "./errors.ts";
import type { OrganizationDigest } from "./organizationDigest.ts";
import { MACHINE_PROTOCOLS, MAX_PUBLISH_BYTES, publishBytes } from "./snsPublishInput.ts";
import { DIGEST_KIND, DIGEST_RULE_ID, KIND_ATTRIBUTE } from "./subscriptionFilterPolicies.ts";

/**
 * The Publish input of an organization digest, shaped as an account's (digestPublishInput): the
 * JSON for `default` (and each machine protocol while that fits), the text for `email`, and the
 * attributes people's filter policies select digests by (`kind` "digest", `ruleId`
 * "posture-digest", `severity`), with `organization` in place of `account`. The digest's caps keep
 * one JSON copy under the limit for any organization (see the digest test).
 *
 * @throws MessageTooLargeError if it is over the Publish limit all the same.
 */
export function organizationDigestPublishInput(digest: OrganizationDigest, topicArn: string): PublishCommandInput {
  const json = JSON.stringify(digest.message);
  let bytes = 0;
  for (const explicitProtocols of [true, false]) {
    const bodies: Record<string, string> = { default: json, email: digest.text };
    if (explicitProtocols) for (const protocol of MACHINE_PROTOCOLS) bodies[protocol] = json;
    const input: PublishCommandInput = {
      TopicArn: topicArn,
      MessageStructure: "json",
      Message: JSON.stringify(bodies),
      Subject: digest.subject,
      MessageAttributes: {
        severity: { DataType: "String", StringValue: digest.severity },
        ruleId: { DataType: "String", StringValue: DIGEST_RULE_ID },
        organization: { DataType: "String", StringValue: digest.organizationId },
        [KIND_ATTRIBUTE]: { DataType: "String", StringValue: DIGEST_KIND },
      },
    };
    bytes = publishBytes(input);
    if (bytes <= MAX_PUBLISH_BYTES) return input;
  }
  throw new MessageTooLargeError(`${DIGEST_RULE_ID} of ${digest.organizationId}`, bytes, MAX_PUBLISH_BYTES);
}

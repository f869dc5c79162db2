import type { PublishCommandInput } from "@aws-sdk/client-sns";
import { MessageTooLargeError } from "./errors.ts";
import type { OrganizationDigest } from "./organizationDigest.ts";
import { MACHINE_PROTOCOLS, MAX_PUBLISH_BYTES, publishBytes } from "./snsPublishInput.ts";
import { DIGEST_KIND, DIGEST_RULE_ID, KIND_ATTRIBUTE } from "./subscriptionFilterPolicies.ts";

/**
 * The Publish input of an organization digest, shaped as an account's (digestPublishInput): the
 * JSON for `default` and the machine protocols, the text for `email`, and the attributes people's
 * filter policies select digests by (`kind` "digest", `ruleId` "posture-digest", `severity`), with
 * `organization` in place of `account`. The digest's caps keep it under the limit.
 *
 * @throws MessageTooLargeError if it is over the Publish limit all the same.
 */
export function organizationDigestPublishInput(digest: OrganizationDigest, topicArn: string): PublishCommandInput {
  const json = JSON.stringify(digest.message);
  const bodies: Record<string, string> = { default: json, email: digest.text };
  for (const protocol of MACHINE_PROTOCOLS) bodies[protocol] = json;
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
  const bytes = publishBytes(input);
  if (bytes > MAX_PUBLISH_BYTES) throw new MessageTooLargeError(`${DIGEST_RULE_ID} of ${digest.organizationId}`, bytes, MAX_PUBLISH_BYTES);
  return input;
}

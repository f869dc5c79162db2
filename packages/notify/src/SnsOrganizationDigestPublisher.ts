import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { DigestPublishError } from "./errors.ts";
import type { OrganizationDigest } from "./organizationDigest.ts";
import { organizationDigestPublishInput } from "./organizationDigestPublishInput.ts";

/** Publishes organization digests to the findings topic; resolves with SNS's MessageId. */
export class SnsOrganizationDigestPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: { client: SNSClient; topicArn: string }) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  async publishOrganizationDigest(digest: OrganizationDigest): Promise<string> {
    const input = organizationDigestPublishInput(digest, this.#topicArn);
    let messageId: string | undefined;
    try {
      messageId = (await this.#client.send(new PublishCommand(input))).MessageId;
    } catch (error) {
      throw new DigestPublishError(digest.organizationId, (error as Error).message, { cause: error });
    }
    if (!messageId) throw new DigestPublishError(digest.organizationId, "SNS answered without a MessageId");
    return messageId;
  }
}

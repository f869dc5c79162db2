import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { PostureDigest } from "./digest.ts";
import { digestPublishInput } from "./digestPublishInput.ts";
import { DigestPublishError } from "./errors.ts";

export interface SnsDigestPublisherOptions {
  client: SNSClient;
  topicArn: string;
}

/** Publishes posture digests to the findings topic, beside the findings themselves. */
export class SnsDigestPublisher {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsDigestPublisherOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  /** Resolves with SNS's MessageId once the topic has accepted the digest. */
  async publishDigest(digest: PostureDigest): Promise<string> {
    const input = digestPublishInput(digest, this.#topicArn);
    let messageId: string | undefined;
    try {
      messageId = (await this.#client.send(new PublishCommand(input))).MessageId;
    } catch (error) {
      throw new DigestPublishError(digest.account, (error as Error).message, { cause: error });
    }
    if (!messageId) throw new DigestPublishError(digest.account, "SNS answered without a MessageId");
    return messageId;
  }
}

import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import type { Finding } from "@vigil/core";
import { SnsPublishError } from "./errors.ts";
import { snsPublishInput } from "./snsPublishInput.ts";

export interface SnsNotifierOptions {
  client: SNSClient;
  topicArn: string;
}

/** Publishes findings to the alerts topic, which fans them out to email, Slack and any other subscriber. */
export class SnsNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(options: SnsNotifierOptions) {
    this.#client = options.client;
    this.#topicArn = options.topicArn;
  }

  /** Resolves with SNS's MessageId once the topic has accepted the message. */
  async publish(finding: Finding): Promise<string> {
    const input = snsPublishInput(finding, this.#topicArn);
    let messageId: string | undefined;
    try {
      messageId = (await this.#client.send(new PublishCommand(input))).MessageId;
    } catch (error) {
      throw new SnsPublishError(finding.id, (error as Error).message, { cause: error });
    }
    if (!messageId) throw new SnsPublishError(finding.id, "SNS answered without a MessageId");
    return messageId;
  }
}

import type { Severity } from "@vigil/core";
import { severityFilterPolicy } from "@vigil/notify";
import type { Duration } from "aws-cdk-lib";
import type { Key } from "aws-cdk-lib/aws-kms";
import { SubscriptionFilter, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, SqsSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import type { StageConfig } from "../stageConfig.ts";
import { createQueueWithDeadLetters, type QueueWithDeadLetters } from "./queues.ts";
import { createTopicKey } from "./topicKey.ts";

export interface FindingsTopic {
  topic: Topic;
  key: Key;
}

/** The SNS filter policy (on the `severity` message attribute every finding carries) for `minimum` and above. */
function severityFilter(minimum: Severity): Record<string, SubscriptionFilter> {
  return { severity: SubscriptionFilter.stringFilter({ allowlist: severityFilterPolicy(minimum).severity }) };
}

/** The topic every new finding is published to, encrypted with its own key, with the alert emails subscribed. */
export function createFindingsTopic(scope: Construct, config: StageConfig): FindingsTopic {
  const key = createTopicKey(scope, "FindingsTopicKey", "Vigil findings topic", config);
  const topic = new Topic(scope, "FindingsTopic", { displayName: "Vigil findings", masterKey: key, enforceSSL: true });
  for (const email of config.alertEmails) {
    topic.addSubscription(new EmailSubscription(email, { filterPolicy: severityFilter(config.emailMinSeverity) }));
  }
  return { topic, key };
}

/**
 * The Slack channel's queue, subscribed to the findings topic with its own severity filter. The
 * subscription keeps the SNS envelope (no raw delivery): the consumer reads the finding from its
 * `Message`, as parseSnsEnvelope expects.
 */
export function createSlackQueue(scope: Construct, topic: Topic, minSeverity: Severity, consumerTimeout: Duration): QueueWithDeadLetters {
  const queues = createQueueWithDeadLetters(scope, "SlackQueue", consumerTimeout);
  topic.addSubscription(new SqsSubscription(queues.queue, { filterPolicy: severityFilter(minSeverity), rawMessageDelivery: false }));
  return queues;
}

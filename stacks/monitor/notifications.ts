import type { Severity } from "@vigil/core";
import { emailFilterPolicy, findingsOnlyFilterPolicy } from "@vigil/notify";
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

/**
 * A filter policy on message attributes as CDK takes it: each key's conditions as they are, `$or`
 * included (its conditions are the alternative policies), which CDK's own helpers cannot express.
 */
function toSubscriptionFilters(policy: object): Record<string, SubscriptionFilter> {
  return Object.fromEntries(Object.entries(policy).map(([key, conditions]) => [key, new SubscriptionFilter(conditions as unknown[])]));
}

/**
 * The topic every new finding and every posture digest is published to, encrypted with its own
 * key, with the alert emails subscribed: findings at the email minimum and above, and every digest
 * (see emailFilterPolicy).
 */
export function createFindingsTopic(scope: Construct, config: StageConfig): FindingsTopic {
  const key = createTopicKey(scope, "FindingsTopicKey", "Vigil findings topic", config);
  const topic = new Topic(scope, "FindingsTopic", { displayName: "Vigil findings", masterKey: key, enforceSSL: true });
  for (const email of config.alertEmails) {
    topic.addSubscription(new EmailSubscription(email, { filterPolicy: toSubscriptionFilters(emailFilterPolicy(config.emailMinSeverity)) }));
  }
  return { topic, key };
}

/**
 * The Slack channel's queue, subscribed to the findings topic with its own severity filter, findings
 * only: its consumer reads a finding from each message, so the posture digests are kept out. The
 * subscription keeps the SNS envelope (no raw delivery): the consumer reads the finding from its
 * `Message`, as parseSnsEnvelope expects.
 */
export function createSlackQueue(scope: Construct, topic: Topic, minSeverity: Severity, consumerTimeout: Duration): QueueWithDeadLetters {
  const queues = createQueueWithDeadLetters(scope, "SlackQueue", consumerTimeout);
  topic.addSubscription(new SqsSubscription(queues.queue, { filterPolicy: toSubscriptionFilters(findingsOnlyFilterPolicy(minSeverity)), rawMessageDelivery: false }));
  return queues;
}

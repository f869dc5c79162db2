import type { Severity } from "@vigil/core";
import { peopleFilterPolicy } from "@vigil/notify";
import type { Duration } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { IKey, Key } from "aws-cdk-lib/aws-kms";
import { type ITopic, SubscriptionFilter, Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription, SqsSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import type { Construct } from "constructs";
import type { StageConfig } from "../stageConfig.ts";
import { createQueueWithDeadLetters, type QueueWithDeadLetters } from "./queues.ts";
import { createTopicKey, TOPIC_KEY_USE } from "./topicKey.ts";

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
 * (see peopleFilterPolicy).
 */
export function createFindingsTopic(scope: Construct, config: StageConfig): FindingsTopic {
  const key = createTopicKey(scope, "FindingsTopicKey", "Vigil findings topic", config);
  const topic = new Topic(scope, "FindingsTopic", { displayName: "Vigil findings", masterKey: key, enforceSSL: true });
  for (const email of config.alertEmails) {
    topic.addSubscription(new EmailSubscription(email, { filterPolicy: toSubscriptionFilters(peopleFilterPolicy(config.emailMinSeverity)) }));
  }
  return { topic, key };
}

/** Publishing to the findings topic, which takes its key's use for the encryption SNS does on the publisher's behalf. */
export function publishFindingsStatements(topic: ITopic, key: IKey): PolicyStatement[] {
  return [
    new PolicyStatement({ sid: "PublishFindings", actions: ["sns:Publish"], resources: [topic.topicArn] }),
    new PolicyStatement({ sid: "EncryptForFindingsTopic", actions: TOPIC_KEY_USE, resources: [key.keyArn] }),
  ];
}

/**
 * The Slack channel's queue, subscribed to the findings topic as email is, with its own severity
 * minimum: findings at it and above, and every posture digest. The subscription keeps the SNS
 * envelope (no raw delivery): the consumer tells a digest by its `kind` attribute and reads the
 * finding or digest from `Message`, as parseSnsEnvelope expects.
 */
export function createSlackQueue(scope: Construct, topic: Topic, minSeverity: Severity, consumerTimeout: Duration): QueueWithDeadLetters {
  const queues = createQueueWithDeadLetters(scope, "SlackQueue", consumerTimeout);
  topic.addSubscription(new SqsSubscription(queues.queue, { filterPolicy: toSubscriptionFilters(peopleFilterPolicy(minSeverity)), rawMessageDelivery: false }));
  return queues;
}

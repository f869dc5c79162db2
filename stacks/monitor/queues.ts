import { Duration } from "aws-cdk-lib";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import { type IQueue, Queue, QueueEncryption } from "aws-cdk-lib/aws-sqs";
import type { Construct } from "constructs";

/** Messages a consumer fails this many times go to the dead-letter queue, where the ops alarm sees them. */
export const MAX_RECEIVE_COUNT = 5;
/** The longest SQS keeps a message: time to find out why it failed and redrive it. */
const DEAD_LETTER_RETENTION = Duration.days(14);
/** SQS messages per invocation; failed ones are reported one by one (ReportBatchItemFailures). */
const BATCH_SIZE = 10;

export interface QueueWithDeadLetters {
  queue: Queue;
  deadLetters: Queue;
}

/**
 * A queue for one Lambda consumer and its dead-letter queue, both encrypted with SQS managed keys
 * (which EventBridge and SNS can send to without a key policy) and refusing requests without TLS.
 * The visibility timeout is six times the consumer's timeout, as Lambda's SQS guide advises, so a
 * batch still being worked on is not handed to a second invocation.
 */
export function createQueueWithDeadLetters(scope: Construct, id: string, consumerTimeout: Duration): QueueWithDeadLetters {
  const deadLetters = createDeadLetterQueue(scope, `${id}DeadLetters`);
  const queue = new Queue(scope, id, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    visibilityTimeout: Duration.seconds(consumerTimeout.toSeconds() * 6),
    deadLetterQueue: { queue: deadLetters, maxReceiveCount: MAX_RECEIVE_COUNT },
  });
  return { queue, deadLetters };
}

/** A dead-letter queue: kept as long as SQS keeps anything, encrypted with an SQS managed key, TLS only. */
export function createDeadLetterQueue(scope: Construct, id: string): Queue {
  return new Queue(scope, id, { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: DEAD_LETTER_RETENTION });
}

/** A function's feed from its queue, in batches whose failed records go back alone (functions/shared/sqsBatchHandler.ts). */
export function queueEventSource(queue: IQueue): SqsEventSource {
  return new SqsEventSource(queue, { batchSize: BATCH_SIZE, reportBatchItemFailures: true });
}

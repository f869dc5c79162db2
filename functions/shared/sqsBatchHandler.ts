import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";

/**
 * A handler of SQS batches that handles each record on its own: a record whose handler throws is
 * reported as failed (ReportBatchItemFailures), so the queue retries it alone and the others are
 * deleted. `recordHandlerFor` makes the record handler once per invocation, from its context.
 */
export function sqsBatchHandler<TContext extends Context>(
  recordHandlerFor: (context: TContext) => (record: SQSRecord) => Promise<void>,
): (event: SQSEvent, context: TContext) => Promise<SQSBatchResponse> {
  const processor = new BatchProcessor(EventType.SQS);
  return (event, context) => processPartialResponse(event, recordHandlerFor(context), processor, { context });
}

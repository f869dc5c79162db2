import { catalogue, Engine, MemoryWindowStore, parseEvent, resolveConfig } from "@vigil/core";
import type { SQSEvent } from "aws-lambda";

/**
 * A cold-import reference: Vigil's rule engine (@vigil/core with zod) built at load as evaluate
 * builds it, with no AWS SDK, Powertools, store or notifier. Beside "DynamoDB read only" it shows
 * how a cold start divides between the rules and what any storing handler must import.
 */
const now = () => new Date();
const engine = new Engine({ rules: catalogue, config: resolveConfig({}, catalogue), windows: new MemoryWindowStore(), now });

export const handler = async (event: SQSEvent) => {
  let findings = 0;
  for (const record of event.Records) findings += (await engine.evaluate(parseEvent(JSON.parse(record.body).detail))).findings.length;
  return { batchItemFailures: [], findings };
};

import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { FINDINGS_TABLE } from "@vigil/store-dynamodb";
import type { SQSEvent } from "aws-lambda";
import { documentClient } from "../../functions/shared/clients.ts";

/**
 * The warm baseline: one DynamoDB read per record, one after another, through the handlers' own
 * traced document client. A batch of it is the round trips alone, with no evaluation in them.
 */
const client = documentClient();
const tableName = process.env.FINDINGS_TABLE_NAME;
if (!tableName) throw new Error("environment: FINDINGS_TABLE_NAME: required");

export const handler = async (event: SQSEvent) => {
  for (const record of event.Records) {
    await client.send(new GetCommand({ TableName: tableName, Key: { [FINDINGS_TABLE.partitionKey]: record.messageId } }));
  }
  return { batchItemFailures: [] };
};

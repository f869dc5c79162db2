import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { STATE_TABLE } from "../stateTableDefinition.ts";
import { ensureTable } from "./ensureTable.ts";

/**
 * Creates the state table (threshold windows) from stateTableDefinition.ts when it is missing and
 * waits until it is active; idempotent. For local runs and tests: on AWS the infrastructure stack owns it.
 */
export function ensureStateTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  return ensureTable(client, STATE_TABLE, tableName);
}

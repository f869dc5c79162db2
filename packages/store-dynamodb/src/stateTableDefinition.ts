import type { CreateTableCommandInput } from "@aws-sdk/client-dynamodb";
import { EXPIRES_AT_ATTRIBUTE, type TableDefinition, toCreateTableInput } from "./tableDefinition.ts";

/**
 * The state table, as plain data like FINDINGS_TABLE: small items the monitor shares between
 * concurrent invocations (the sliding windows of threshold rules), keyed by `pk`, with no index.
 * Every item carries `expiresAt`, so TTL removes the idle ones on AWS; the logic never relies on it.
 */
export const STATE_KEY_ATTRIBUTE = "pk";

export const STATE_TABLE = {
  billingMode: "PAY_PER_REQUEST",
  partitionKey: STATE_KEY_ATTRIBUTE,
  attributes: [STATE_KEY_ATTRIBUTE],
  globalIndexes: {},
  timeToLiveAttribute: EXPIRES_AT_ATTRIBUTE,
} as const satisfies TableDefinition;

/** The CreateTable request for the state table (TTL is a separate UpdateTimeToLive call on AWS). */
export function createStateTableInput(tableName: string): CreateTableCommandInput {
  return toCreateTableInput(STATE_TABLE, tableName);
}

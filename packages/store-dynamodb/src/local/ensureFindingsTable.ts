import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { FINDINGS_TABLE } from "../tableDefinition.ts";
import { ensureTable } from "./ensureTable.ts";
import { rebuildFindingsTableIfOlder } from "./rebuildFindingsTable.ts";

/**
 * Creates the findings table from tableDefinition.ts when it is missing and waits until it is
 * active; idempotent, and safe when two callers race. An existing table must have every index; one
 * made by an earlier version, without the indexes added since, is rebuilt with its findings kept.
 * For the embedded store: on AWS the infrastructure stack owns the table (and its TTL).
 */
export async function ensureFindingsTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  if (await rebuildFindingsTableIfOlder(client, tableName)) return;
  await ensureTable(client, FINDINGS_TABLE, tableName);
}

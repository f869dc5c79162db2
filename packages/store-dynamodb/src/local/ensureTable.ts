import { CreateTableCommand, DescribeTableCommand, type TableDescription } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StoreError, TableMismatchError } from "../errors.ts";
import { type TableDefinition, toCreateTableInput } from "../tableDefinition.ts";

const WAIT_MS = 10_000;

/**
 * Creates a table from its definition when it is missing and waits until it is active; idempotent,
 * and safe when two callers race. An existing table must have the key and every index.
 */
export async function ensureTable(client: DynamoDBDocumentClient, definition: TableDefinition, tableName: string): Promise<void> {
  if (!(await describeTable(client, tableName))) {
    try {
      await client.send(new CreateTableCommand(toCreateTableInput(definition, tableName)));
    } catch (error) {
      if (!(error instanceof Error && error.name === "ResourceInUseException")) {
        throw new StoreError(`creating table ${tableName}: ${(error as Error).message}`, { cause: error });
      }
    }
  }
  const active = await waitFor(client, tableName, (found) => found?.TableStatus === "ACTIVE", "active");
  checkKeys(active as TableDescription, definition, tableName);
}

/** The table's description, or undefined when there is no such table. */
export async function describeTable(client: DynamoDBDocumentClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
    throw new StoreError(`describing table ${tableName}: ${(error as Error).message}`, { cause: error });
  }
}

/** Polls the table until `done` holds (dynalite creates and deletes a moment after answering). */
export async function waitFor(
  client: DynamoDBDocumentClient,
  tableName: string,
  done: (table: TableDescription | undefined) => boolean,
  state: string,
): Promise<TableDescription | undefined> {
  const deadline = Date.now() + WAIT_MS;
  let table = await describeTable(client, tableName);
  while (!done(table)) {
    if (Date.now() > deadline) throw new StoreError(`table ${tableName} is not ${state} after ${WAIT_MS / 1000}s (${table?.TableStatus ?? "missing"})`);
    await new Promise((wait) => setTimeout(wait, 20));
    table = await describeTable(client, tableName);
  }
  return table;
}

function checkKeys(table: TableDescription, definition: TableDefinition, tableName: string): void {
  const hashKey = table.KeySchema?.find((key) => key.KeyType === "HASH")?.AttributeName;
  if (hashKey !== definition.partitionKey) throw new TableMismatchError(tableName, `expected partition key ${definition.partitionKey}, found ${hashKey}`);
  for (const [indexName, index] of Object.entries(definition.globalIndexes)) {
    const found = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    const keys = found?.KeySchema?.map((key) => `${key.AttributeName}:${key.KeyType}`).join(",");
    if (keys !== `${index.partitionKey}:HASH,${index.sortKey}:RANGE`) {
      throw new TableMismatchError(tableName, found ? `index ${indexName} has keys ${keys}` : `index ${indexName} is missing`);
    }
  }
}

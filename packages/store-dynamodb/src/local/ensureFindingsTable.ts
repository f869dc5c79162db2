import { CreateTableCommand, DescribeTableCommand, type TableDescription } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StoreError, TableMismatchError } from "../errors.ts";
import { createTableInput, FINDINGS_TABLE } from "../tableDefinition.ts";

const WAIT_MS = 10_000;

/**
 * Creates the findings table from tableDefinition.ts when it is missing and waits until it is
 * active; idempotent, and safe when two callers race. An existing table must have every index.
 * For the embedded store: on AWS the infrastructure stack owns the table (and its TTL).
 */
export async function ensureFindingsTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  let table = await describe(client, tableName);
  if (!table) {
    try {
      await client.send(new CreateTableCommand(createTableInput(tableName)));
    } catch (error) {
      if (!(error instanceof Error && error.name === "ResourceInUseException")) {
        throw new StoreError(`creating table ${tableName}: ${(error as Error).message}`, { cause: error });
      }
    }
    table = await describe(client, tableName);
  }
  const deadline = Date.now() + WAIT_MS;
  while (table?.TableStatus !== "ACTIVE") {
    if (Date.now() > deadline) throw new StoreError(`table ${tableName} is not active after ${WAIT_MS / 1000}s (${table?.TableStatus ?? "missing"})`);
    await new Promise((done) => setTimeout(done, 20));
    table = await describe(client, tableName);
  }
  checkIndexes(table, tableName);
}

async function describe(client: DynamoDBDocumentClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof Error && error.name === "ResourceNotFoundException") return undefined;
    throw new StoreError(`describing table ${tableName}: ${(error as Error).message}`, { cause: error });
  }
}

function checkIndexes(table: TableDescription, tableName: string): void {
  const hashKey = table.KeySchema?.find((key) => key.KeyType === "HASH")?.AttributeName;
  if (hashKey !== FINDINGS_TABLE.partitionKey) throw new TableMismatchError(tableName, `expected partition key ${FINDINGS_TABLE.partitionKey}, found ${hashKey}`);
  for (const [indexName, index] of Object.entries(FINDINGS_TABLE.globalIndexes)) {
    const found = table.GlobalSecondaryIndexes?.find((candidate) => candidate.IndexName === indexName);
    const keys = found?.KeySchema?.map((key) => `${key.AttributeName}:${key.KeyType}`).join(",");
    if (keys !== `${index.partitionKey}:HASH,${index.sortKey}:RANGE`) {
      throw new TableMismatchError(tableName, found ? `index ${indexName} has keys ${keys}` : `index ${indexName} is missing`);
    }
  }
}

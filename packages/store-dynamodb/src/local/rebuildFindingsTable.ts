import { DeleteTableCommand, type TableDescription } from "@aws-sdk/client-dynamodb";
import { BatchWriteCommand, type DynamoDBDocumentClient, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { StoreError } from "../errors.ts";
import { FINDINGS_TABLE, PENDING_EXPORT_INDEX, PENDING_NOTIFICATION_INDEX, type TableDefinition } from "../tableDefinition.ts";
import { describeTable, ensureTable, waitFor } from "./ensureTable.ts";

/** Indexes added after the first release: a local table without (only) these is an older findings table, rebuilt rather than refused. */
const LATER_INDEXES: readonly string[] = [PENDING_NOTIFICATION_INDEX, PENDING_EXPORT_INDEX];

/** The backup holds the items while the table is recreated; just the key, no index. */
const BACKUP_TABLE: TableDefinition = { ...FINDINGS_TABLE, attributes: [FINDINGS_TABLE.partitionKey], globalIndexes: {} };

const BATCH_WRITE_SIZE = 25;
const BATCH_WRITE_RETRIES = 8;

/**
 * dynalite cannot add an index to a table, so an embedded store made before an index existed is
 * rebuilt: every item is copied to `<table>.rebuild`, the table recreated from FINDINGS_TABLE and
 * the items copied back. Each step can be repeated, and the table is deleted only once the backup
 * is complete, so a run killed half-way resumes on the next start without losing a finding.
 * Returns whether a rebuild ran. Local only: on AWS the stack adds indexes in place.
 */
export async function rebuildFindingsTableIfOlder(client: DynamoDBDocumentClient, tableName: string): Promise<boolean> {
  const backup = `${tableName}.rebuild`;
  const table = await describeTable(client, tableName);
  const backupExists = (await describeTable(client, backup)) !== undefined;
  if (!backupExists && !(table && isOlderFindingsTable(table))) return false;
  if (table && isOlderFindingsTable(table)) {
    await ensureTable(client, BACKUP_TABLE, backup);
    await copyItems(client, tableName, backup);
    await deleteTable(client, tableName);
  }
  await ensureTable(client, FINDINGS_TABLE, tableName);
  await copyItems(client, backup, tableName);
  await deleteTable(client, backup);
  return true;
}

/** The findings key and every index it has right, but some of the later indexes missing. */
function isOlderFindingsTable(table: TableDescription): boolean {
  if (table.KeySchema?.find((key) => key.KeyType === "HASH")?.AttributeName !== FINDINGS_TABLE.partitionKey) return false;
  const present = new Map((table.GlobalSecondaryIndexes ?? []).map((index) => [index.IndexName, index.KeySchema?.map((key) => `${key.AttributeName}:${key.KeyType}`).join(",")]));
  let missingLater = false;
  for (const [name, index] of Object.entries(FINDINGS_TABLE.globalIndexes)) {
    const keys = present.get(name);
    if (keys === undefined && LATER_INDEXES.includes(name)) missingLater = true;
    else if (keys !== `${index.partitionKey}:HASH,${index.sortKey}:RANGE`) return false;
  }
  return missingLater;
}

/** Every item of `from` into `to`, as is (an item already there is overwritten with the same content). */
async function copyItems(client: DynamoDBDocumentClient, from: string, to: string): Promise<void> {
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await send(`copying ${from} to ${to}`, () => client.send(new ScanCommand({ TableName: from, ConsistentRead: true, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })));
    const items = page.Items ?? [];
    for (let start = 0; start < items.length; start += BATCH_WRITE_SIZE) {
      let requests = items.slice(start, start + BATCH_WRITE_SIZE).map((item) => ({ PutRequest: { Item: item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > BATCH_WRITE_RETRIES) throw new StoreError(`copying ${from} to ${to}: items still unprocessed after ${BATCH_WRITE_RETRIES} retries`);
        if (attempt > 0) await new Promise((wait) => setTimeout(wait, 25 * 2 ** attempt));
        const output = await send(`copying ${from} to ${to}`, () => client.send(new BatchWriteCommand({ RequestItems: { [to]: requests } })));
        requests = (output.UnprocessedItems?.[to] ?? []) as typeof requests;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
}

async function deleteTable(client: DynamoDBDocumentClient, tableName: string): Promise<void> {
  try {
    await client.send(new DeleteTableCommand({ TableName: tableName }));
  } catch (error) {
    if (!(error instanceof Error && error.name === "ResourceNotFoundException")) throw new StoreError(`deleting table ${tableName}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  await waitFor(client, tableName, (table) => table === undefined, "deleted");
}

async function send<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreError(`${operation}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

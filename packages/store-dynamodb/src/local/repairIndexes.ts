import { createHash } from "node:crypto";
import {
  type AttributeValue,
  DescribeTableCommand,
  type DynamoDBClient,
  GetItemCommand,
  type KeySchemaElement,
  paginateListTables,
  paginateScan,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { StoreError } from "../errors.ts";

type Item = Record<string, AttributeValue>;

interface Index {
  name: string;
  keySchema: KeySchemaElement[];
}

/**
 * Brings every index of every table back in line with its items after a process died while
 * writing. dynalite writes an item as separate LevelDB puts, its index entries first and the item
 * last, one write per item at a time; a kill in between leaves index entries of a write the table
 * never got (a finding listed and counted but not stored, or listed under its old status) or, when
 * it died deleting the old entries, an item missing from an index. An index entry unlike its item
 * is therefore the newer version, complete (every index projects ALL), and the repair finishes that
 * write; an item missing from an index is written again as it is. Both go through PutItem, which
 * rewrites the item's entries and deletes those its previous version had, so the repair is itself
 * safe to kill and run again. Returns how many items it rewrote.
 */
export async function repairIndexes(client: DynamoDBClient): Promise<number> {
  let repaired = 0;
  for await (const page of iterate("listing tables", () => paginateListTables({ client }, {}))) {
    for (const tableName of page.TableNames ?? []) repaired += await repairTable(client, tableName);
  }
  return repaired;
}

async function repairTable(client: DynamoDBClient, tableName: string): Promise<number> {
  const table = (await attempt(`describing table ${tableName}`, () => client.send(new DescribeTableCommand({ TableName: tableName })))).Table;
  // The store's tables project ALL; an index keeping part of the item could not restore one.
  const indexes: Index[] = [...(table?.GlobalSecondaryIndexes ?? []), ...(table?.LocalSecondaryIndexes ?? [])]
    .filter((index) => index.Projection?.ProjectionType === "ALL")
    .map((index) => ({ name: index.IndexName as string, keySchema: index.KeySchema ?? [] }));
  const keySchema = table?.KeySchema ?? [];
  // A table being created has no items yet, and one being deleted loses them anyway.
  if (table?.TableStatus !== "ACTIVE" || indexes.length === 0) return 0;
  const keyOf = (item: Item) => Object.fromEntries(keySchema.map((key) => [key.AttributeName as string, item[key.AttributeName as string] as AttributeValue]));
  const idOf = (item: Item) => canonical(keyOf(item));

  // Digests, not items: a large store is read whole, and only the few unfinished versions are kept.
  const stored = new Map<string, { digest: string; key: Item; missingFrom: Set<string> }>();
  for await (const item of scan(client, tableName)) {
    const missingFrom = new Set(indexes.filter((index) => belongsTo(item, index)).map((index) => index.name));
    stored.set(idOf(item), { digest: digest(item), key: keyOf(item), missingFrom });
  }
  const unfinished = new Map<string, { key: Item; versions: Map<string, Item> }>();
  for (const index of indexes) {
    for await (const entry of scan(client, tableName, index.name)) {
      const id = idOf(entry);
      const entryDigest = digest(entry);
      const item = stored.get(id);
      if (item?.digest === entryDigest) {
        item.missingFrom.delete(index.name);
        continue;
      }
      const repair = unfinished.get(id) ?? { key: keyOf(entry), versions: new Map<string, Item>() };
      repair.versions.set(entryDigest, entry);
      unfinished.set(id, repair);
    }
  }
  for (const [id, { key, missingFrom }] of stored) {
    if (missingFrom.size > 0 && !unfinished.has(id)) unfinished.set(id, { key, versions: new Map() });
  }

  for (const { key, versions } of unfinished.values()) {
    const item = (await attempt(`reading an item of ${tableName}`, () => client.send(new GetItemCommand({ TableName: tableName, Key: key, ConsistentRead: true })))).Item;
    // One write per item is in flight at a time, so there is one unfinished version; were there
    // more, the stored item is the one known to have been complete.
    const found = [...versions.values()];
    const target = found.length === 1 ? (found[0] as Item) : (item ?? (found[0] as Item));
    // Putting each stray version makes it the item, so the next put deletes the entries it left.
    for (const version of [...found.filter((version) => version !== target), target]) {
      await attempt(`repairing an item of ${tableName}`, () => client.send(new PutItemCommand({ TableName: tableName, Item: version })));
    }
  }
  return unfinished.size;
}

/** dynalite indexes an item when it has every key attribute of the index. */
function belongsTo(item: Item, index: Index): boolean {
  return index.keySchema.every((key) => item[key.AttributeName as string] !== undefined);
}

async function* scan(client: DynamoDBClient, tableName: string, indexName?: string): AsyncGenerator<Item> {
  const pages = paginateScan({ client }, { TableName: tableName, ...(indexName === undefined ? {} : { IndexName: indexName }) });
  for await (const page of iterate(`reading ${indexName ?? "items"} of ${tableName}`, () => pages)) yield* page.Items ?? [];
}

/** The item's content whatever the order of its attributes. */
function digest(item: Item): string {
  return createHash("sha256").update(canonical(item)).digest("base64");
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** Failures as StoreErrors naming what was being done. */
async function attempt<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new StoreError(`${operation}: ${(error as Error).message}`, { cause: error });
  }
}

async function* iterate<T>(operation: string, iterable: () => AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* iterable();
  } catch (error) {
    throw new StoreError(`${operation}: ${(error as Error).message}`, { cause: error });
  }
}

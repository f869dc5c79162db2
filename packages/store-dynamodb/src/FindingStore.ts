import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";
import type { Finding, FindingStatus } from "@vigil/core";
import { type CursorKey, decodeCursor, encodeCursor, queryFingerprint } from "./cursor.ts";
import { StoreError } from "./errors.ts";
import { type FindingItem, fromItem, isExpired, toItem } from "./findingItem.ts";
import { type FindingPage, type FindingQuery, type Partition, planQuery } from "./FindingQuery.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface FindingStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Signs list cursors; give one wherever cursors reach a caller (the API). */
  cursorSecret?: CursorKey;
  /** How long a resolved finding is kept; 90 days when absent. */
  resolvedRetentionDays?: number;
  /** Puts in flight at once; 16 when absent. */
  concurrency?: number;
  /** The clock that decides expiry; the wall clock when absent. */
  now?: () => Date;
}

export interface PutFindingsResult {
  /** The findings this call wrote, in input order. */
  created: Finding[];
  /** Ids of the others (already stored, or repeated in the input), in input order: every input lands in one list. */
  existing: string[];
}

const BATCH_GET_SIZE = 100;
const BATCH_GET_RETRIES = 3;
const ID = KEY_ATTRIBUTES.id;
const TIME = KEY_ATTRIBUTES.time;

/** `id` absent, or present but past its retention: either way, as if TTL had already deleted it. */
const ABSENT = "attribute_not_exists(#id) OR #expiresAt <= :now";
const LIVE = "attribute_not_exists(#expiresAt) OR #expiresAt > :now";

/**
 * The findings table (see tableDefinition.ts and the package README). Writes are idempotent
 * (conditional puts on the deterministic id), lists are index Queries newest first, and a resolved
 * finding past its retention reads as absent whether or not DynamoDB's TTL has removed it.
 */
export class FindingStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly #cursorKey: CursorKey | undefined;
  readonly #retentionSeconds: number;
  readonly #concurrency: number;
  readonly #now: () => Date;

  constructor(options: FindingStoreOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    const days = options.resolvedRetentionDays ?? 90;
    if (!(days > 0)) throw new StoreError(`resolvedRetentionDays: expected a positive number, got ${days}`);
    const concurrency = options.concurrency ?? 16;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new StoreError(`concurrency: expected a positive whole number, got ${concurrency}`);
    this.#client = options.client;
    this.tableName = options.tableName;
    this.#cursorKey = options.cursorSecret;
    this.#retentionSeconds = Math.round(days * 86_400);
    this.#concurrency = concurrency;
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * Stores the findings not stored yet and never touches one that is (its status may have been
   * triaged). One BatchGetItem per 100 ids skips the known ones cheaply; the conditional put is
   * what guarantees that concurrent writers create each finding once.
   */
  async putFindings(findings: readonly Finding[]): Promise<PutFindingsResult> {
    const now = this.#nowSeconds();
    const created = new Array<boolean>(findings.length).fill(false);
    const firstIndex = new Map<string, number>();
    findings.forEach((finding, index) => {
      if (!firstIndex.has(finding.id)) firstIndex.set(finding.id, index);
    });
    const stored = await this.#storedIds([...firstIndex.keys()], now);
    const missing = [...firstIndex].filter(([id]) => !stored.has(id)).map(([, index]) => index);
    await mapConcurrent(missing, this.#concurrency, async (index) => {
      created[index] = await this.#putIfAbsent(findings[index] as Finding, now);
    });
    const result: PutFindingsResult = { created: [], existing: [] };
    findings.forEach((finding, index) => (created[index] ? result.created.push(finding) : result.existing.push(finding.id)));
    return result;
  }

  async getFinding(id: string): Promise<Finding | undefined> {
    const output = await this.#send("reading a finding", () =>
      this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [ID]: id }, ConsistentRead: true })),
    );
    return output.Item && !isExpired(output.Item, this.#nowSeconds()) ? fromItem(output.Item) : undefined;
  }

  /**
   * Triage: sets the status (and the status index key with it). Resolving starts the retention
   * clock; any other status stops it. Undefined when there is no such (unexpired) finding.
   */
  async setStatus(id: string, status: FindingStatus): Promise<Finding | undefined> {
    const now = this.#nowSeconds();
    const resolved = status === "resolved";
    try {
      const output = await this.#client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { [ID]: id },
          UpdateExpression: resolved
            ? "SET #status = :status, #statusKey = :status, #expiresAt = :expiresAt"
            : "SET #status = :status, #statusKey = :status REMOVE #expiresAt",
          ConditionExpression: `attribute_exists(#id) AND (${LIVE})`,
          ExpressionAttributeNames: { "#id": ID, "#status": "status", "#statusKey": KEY_ATTRIBUTES.status, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
          ExpressionAttributeValues: { ":status": status, ":now": now, ...(resolved ? { ":expiresAt": now + this.#retentionSeconds } : {}) },
          ReturnValues: "ALL_NEW",
        }),
      );
      return output.Attributes ? fromItem(output.Attributes) : undefined;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw storeError("updating a finding's status", this.tableName, error);
    }
  }

  /**
   * One page, newest first, of the findings matching one access pattern (or all of them). Each
   * index partition is queried from the cursor's position on; a severity minimum merges several.
   */
  async listFindings(query: FindingQuery = {}): Promise<FindingPage> {
    const plan = planQuery(query);
    const fingerprint = queryFingerprint([this.tableName, ...plan.parts]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint, this.#cursorKey);
    const now = this.#nowSeconds();
    // One more than the page: if it exists, there is a next page.
    const wanted = plan.limit + 1;
    const partitions = await Promise.all(plan.partitions.map((partition) => this.#queryPartition(partition, after, wanted, now)));
    const merged = partitions.flat().sort((a, b) => (a[TIME] < b[TIME] ? 1 : a[TIME] > b[TIME] ? -1 : 0));
    const page = merged.slice(0, plan.limit);
    const last = page.at(-1);
    return {
      items: page.map(fromItem),
      ...(merged.length > plan.limit && last ? { cursor: encodeCursor(last[TIME], fingerprint, this.#cursorKey) } : {}),
    };
  }

  /** Up to `wanted` unexpired items of one partition strictly older than `after`, newest first. */
  async #queryPartition(partition: Partition, after: string | undefined, wanted: number, now: number): Promise<FindingItem[]> {
    const items: FindingItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.#send("listing findings", () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: partition.indexName,
            KeyConditionExpression: after === undefined ? "#pk = :pk" : "#pk = :pk AND #sk < :after",
            FilterExpression: LIVE,
            // DynamoDB rejects names and values an expression does not use, so `#sk` comes only with a cursor.
            ExpressionAttributeNames: { "#pk": partition.keyAttribute, "#expiresAt": EXPIRES_AT_ATTRIBUTE, ...(after === undefined ? {} : { "#sk": TIME }) },
            ExpressionAttributeValues: { ":pk": partition.value, ":now": now, ...(after === undefined ? {} : { ":after": after }) },
            ScanIndexForward: false,
            Limit: wanted - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      items.push(...((output.Items ?? []) as FindingItem[]));
      startKey = output.LastEvaluatedKey;
    } while (startKey && items.length < wanted);
    return items;
  }

  /** Ids stored and unexpired. Keys DynamoDB leaves unprocessed after a few retries count as not stored: the conditional put settles them. */
  async #storedIds(ids: readonly string[], now: number): Promise<Set<string>> {
    const stored = new Set<string>();
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_SIZE) chunks.push(ids.slice(start, start + BATCH_GET_SIZE));
    await mapConcurrent(chunks, Math.max(1, Math.ceil(this.#concurrency / 4)), async (chunk) => {
      let keys: Record<string, unknown>[] = chunk.map((id) => ({ [ID]: id }));
      for (let attempt = 0; keys.length > 0 && attempt <= BATCH_GET_RETRIES; attempt++) {
        if (attempt > 0) await sleep(25 * 2 ** attempt);
        const request = { Keys: keys, ProjectionExpression: "#id, #expiresAt", ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE }, ConsistentRead: true };
        const output = await this.#send("checking which findings are stored", () =>
          this.#client.send(new BatchGetCommand({ RequestItems: { [this.tableName]: request } })),
        );
        for (const item of output.Responses?.[this.tableName] ?? []) {
          if (!isExpired(item, now)) stored.add(item[ID] as string);
        }
        keys = (output.UnprocessedKeys?.[this.tableName]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return stored;
  }

  /** False when the finding is already stored (another writer, or an earlier run, got there first). */
  async #putIfAbsent(finding: Finding, now: number): Promise<boolean> {
    const expiresAt = finding.status === "resolved" ? now + this.#retentionSeconds : undefined;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: toItem(finding, expiresAt),
          ConditionExpression: ABSENT,
          ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
          ExpressionAttributeValues: { ":now": now },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError(`storing finding ${finding.id}`, this.tableName, error);
    }
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeError(operation, this.tableName, error);
    }
  }

  #nowSeconds(): number {
    return Math.floor(this.#now().getTime() / 1000);
  }
}

function isConditionFailure(error: unknown): boolean {
  return error instanceof Error && error.name === "ConditionalCheckFailedException";
}

function storeError(operation: string, tableName: string, error: unknown): StoreError {
  if (error instanceof StoreError) return error;
  const reason = error instanceof Error && error.name === "ResourceNotFoundException" ? `table ${tableName} does not exist` : errorText(error);
  return new StoreError(`${operation}: ${reason}`, { cause: error });
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

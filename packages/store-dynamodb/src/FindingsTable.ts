import { type DynamoDBDocumentClient, GetCommand, PutCommand, type PutCommandInput, QueryCommand, type QueryCommandInput, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { StoreError } from "./errors.ts";
import type { FindingItem } from "./findingItem.ts";
import { isoInstant } from "./instant.ts";
import type { ReadClock } from "./queryExpressions.ts";
import { KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface FindingsTableOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** How long a resolved finding is kept; 90 days when absent. */
  resolvedRetentionDays?: number;
  /** Requests in flight at once; 16 when absent. */
  concurrency?: number;
  /** The one clock every part judges time by (expiry, leases, history); the wall clock when absent. */
  now?: () => Date;
  /**
   * Mark every creation and status change pending for the export sweep (exportState.ts); off when
   * absent, so a deployment that exports nowhere keeps no pending index entries.
   */
  exportChanges?: boolean;
}

/** The instant a read or a write is judged at, in the three forms the table stores. */
export interface TableClock extends ReadClock {
  ms: number;
}

/** An update's input without the table, which the gateway adds. */
export type TableUpdate = Omit<UpdateCommandInput, "TableName" | "ReturnValues">;

/**
 * The gateway to the findings table that every part of the store writes and reads through: it
 * names the table, turns the SDK's failures into StoreErrors that say what was being done, tells a
 * failed condition from a failure, and owns the clock and the settings the parts share.
 */
export class FindingsTable {
  readonly client: DynamoDBDocumentClient;
  readonly name: string;
  readonly retentionSeconds: number;
  readonly concurrency: number;
  readonly exportChanges: boolean;
  readonly #now: () => Date;

  constructor(options: FindingsTableOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    const days = options.resolvedRetentionDays ?? 90;
    if (!(days > 0)) throw new StoreError(`resolvedRetentionDays: expected a positive number, got ${days}`);
    const concurrency = options.concurrency ?? 16;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new StoreError(`concurrency: expected a positive whole number, got ${concurrency}`);
    this.client = options.client;
    this.name = options.tableName;
    this.retentionSeconds = Math.round(days * 86_400);
    this.concurrency = concurrency;
    this.exportChanges = options.exportChanges ?? false;
    this.#now = options.now ?? (() => new Date());
  }

  /** Now, or the given instant, in the table's three forms. */
  clock(at: Date = this.#now()): TableClock {
    const ms = at.getTime();
    return { ms, seconds: Math.floor(ms / 1000), iso: isoInstant(ms) };
  }

  /** Sends one request; any failure becomes a StoreError naming `operation` (the SDK error is its cause). */
  async send<T>(operation: string, call: (client: DynamoDBDocumentClient) => Promise<T>): Promise<T> {
    try {
      return await call(this.client);
    } catch (error) {
      throw storeError(operation, this.name, error);
    }
  }

  /** A conditional put: false when the condition failed. */
  async put(operation: string, input: Omit<PutCommandInput, "TableName">): Promise<boolean> {
    return (await this.#conditional(operation, () => this.client.send(new PutCommand({ TableName: this.name, ...input })))) !== undefined;
  }

  /** A conditional update: false when the condition failed. */
  async update(operation: string, input: TableUpdate): Promise<boolean> {
    return (await this.#conditional(operation, () => this.client.send(new UpdateCommand({ TableName: this.name, ...input })))) !== undefined;
  }

  /** A conditional update: the item as written, or undefined when the condition failed. */
  async updateReturning(operation: string, input: TableUpdate): Promise<FindingItem | undefined> {
    // The item is asked back only here, where the caller uses it: it is the largest part of a response.
    const output = await this.#conditional(operation, () => this.client.send(new UpdateCommand({ TableName: this.name, ...input, ReturnValues: "ALL_NEW" })));
    return output?.Attributes as FindingItem | undefined;
  }

  /** The item as stored (strongly consistent), expired or not; undefined when there is none. */
  async readItem(id: string, operation = `reading finding ${id}`): Promise<FindingItem | undefined> {
    const output = await this.send(operation, (client) => client.send(new GetCommand({ TableName: this.name, Key: { [KEY_ATTRIBUTES.id]: id }, ConsistentRead: true })));
    return output.Item as FindingItem | undefined;
  }

  /** Every item a Query returns, page after page, until it ends or `limit` items are read. */
  async queryAll(operation: string, input: Omit<QueryCommandInput, "TableName" | "ExclusiveStartKey" | "Limit">, limit?: number): Promise<FindingItem[]> {
    const items: FindingItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = limit === undefined ? {} : { Limit: limit - items.length };
      const output = await this.send(operation, (client) =>
        client.send(new QueryCommand({ TableName: this.name, ...input, ...page, ...(startKey ? { ExclusiveStartKey: startKey } : {}) })),
      );
      items.push(...((output.Items ?? []) as FindingItem[]));
      startKey = output.LastEvaluatedKey;
    } while (startKey && (limit === undefined || items.length < limit));
    return items;
  }

  /** The call's output, or undefined when its condition failed; any other failure is a StoreError. */
  async #conditional<T>(operation: string, call: () => Promise<T>): Promise<T | undefined> {
    try {
      return await call();
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw storeError(operation, this.name, error);
    }
  }
}

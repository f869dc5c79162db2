import { createHash } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { WindowStore } from "@vigil/core";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { StoreError } from "./errors.ts";
import { STATE_KEY_ATTRIBUTE } from "./stateTableDefinition.ts";
import { EXPIRES_AT_ATTRIBUTE } from "./tableDefinition.ts";
import { EMPTY_WINDOW, recordEvent, type WindowState } from "./windowState.ts";

export interface DynamoWindowStoreOptions {
  client: DynamoDBDocumentClient;
  /** The state table (stateTableDefinition.ts). */
  tableName: string;
  /** How long an idle window is kept past its span before TTL may remove it; 7 days when absent. */
  idleRetentionDays?: number;
  /** The clock for `expiresAt`; the wall clock when absent. Window arithmetic uses event times only. */
  now?: () => Date;
}

/** Writers racing on one window each lose at most once per winner; this bounds a pathological pile-up. */
const MAX_ATTEMPTS = 100;
const MAX_BACKOFF_MS = 50;

interface WindowItem extends WindowState {
  version: number;
}

/**
 * The WindowStore of the deployed monitor: one item per window in the state table, shared by
 * concurrent invocations. Each record is a read, the pure step of windowState.ts, and a put
 * conditional on the version read (optimistic concurrency, no transactions): of two writers that
 * raced, one retries on the other's result, so a window reaching its threshold fires exactly once.
 */
export class DynamoWindowStore implements WindowStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly #idleRetentionSeconds: number;
  readonly #now: () => Date;

  constructor(options: DynamoWindowStoreOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    const days = options.idleRetentionDays ?? 7;
    if (!(days > 0)) throw new StoreError(`idleRetentionDays: expected a positive number, got ${days}`);
    this.#client = options.client;
    this.tableName = options.tableName;
    this.#idleRetentionSeconds = Math.round(days * 86_400);
    this.#now = options.now ?? (() => new Date());
  }

  async record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number): Promise<string[] | undefined> {
    checkRecord(key, eventId, timeMs, windowMs, threshold);
    const pk = `window#${createHash("sha256").update(key).digest("base64url")}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
      const current = await this.#read(pk);
      const step = recordEvent(current ?? EMPTY_WINDOW, eventId, timeMs, windowMs, threshold);
      if (!step.changed) return step.fired;
      if (await this.#write(pk, current?.version, step.next, windowMs)) return step.fired;
    }
    throw new StoreError(`window ${pk}: still contended after ${MAX_ATTEMPTS} attempts`);
  }

  async #read(pk: string): Promise<WindowItem | undefined> {
    try {
      const output = await this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [STATE_KEY_ATTRIBUTE]: pk }, ConsistentRead: true }));
      const item = output.Item;
      return item ? { version: item.version as number, open: item.open as WindowItem["open"], bursts: item.bursts as WindowItem["bursts"] } : undefined;
    } catch (error) {
      throw storeError("reading a window", this.tableName, error);
    }
  }

  /** False when another writer changed (or TTL removed) the window since it was read. */
  async #write(pk: string, version: number | undefined, state: WindowState, windowMs: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.#now().getTime() / 1000);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [STATE_KEY_ATTRIBUTE]: pk,
            version: (version ?? 0) + 1,
            open: state.open,
            bursts: state.bursts,
            [EXPIRES_AT_ATTRIBUTE]: nowSeconds + Math.ceil(windowMs / 1000) + this.#idleRetentionSeconds,
          },
          ...(version === undefined
            ? { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": STATE_KEY_ATTRIBUTE } }
            : { ConditionExpression: "#version = :version", ExpressionAttributeNames: { "#version": "version" }, ExpressionAttributeValues: { ":version": version } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError("writing a window", this.tableName, error);
    }
  }
}

function checkRecord(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number): void {
  if (typeof key !== "string" || key === "") throw new StoreError("key: expected a non-empty string");
  if (typeof eventId !== "string" || eventId === "") throw new StoreError("eventId: expected a non-empty string");
  if (!Number.isFinite(timeMs)) throw new StoreError(`timeMs: expected epoch milliseconds, got ${timeMs}`);
  if (!(Number.isFinite(windowMs) && windowMs > 0)) throw new StoreError(`windowMs: expected a positive number, got ${windowMs}`);
  if (!(Number.isInteger(threshold) && threshold >= 1)) throw new StoreError(`threshold: expected a positive whole number, got ${threshold}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

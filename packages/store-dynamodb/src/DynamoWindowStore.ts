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
  /** Windows this store remembers as it last wrote them (see record); 1,000 when absent, 0 for none. */
  rememberedWindows?: number;
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
 *
 * A window this store wrote last is remembered, so the next event on it (a guessing burst, a
 * principal's refused calls) goes straight to the conditional put, without the read: if another
 * writer moved the window since, the put fails and the loop reads as usual. A decision that writes
 * nothing (an event already counted) is only taken on a fresh read.
 */
export class DynamoWindowStore implements WindowStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly #idleRetentionSeconds: number;
  readonly #now: () => Date;
  readonly #remembered = new Map<string, WindowItem>();
  readonly #rememberLimit: number;

  constructor(options: DynamoWindowStoreOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    const days = options.idleRetentionDays ?? 7;
    if (!(days > 0)) throw new StoreError(`idleRetentionDays: expected a positive number, got ${days}`);
    this.#client = options.client;
    this.tableName = options.tableName;
    this.#idleRetentionSeconds = Math.round(days * 86_400);
    this.#now = options.now ?? (() => new Date());
    const remembered = options.rememberedWindows ?? 1000;
    if (!(Number.isInteger(remembered) && remembered >= 0)) throw new StoreError(`rememberedWindows: expected a whole number, got ${remembered}`);
    this.#rememberLimit = remembered;
  }

  async record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number): Promise<string[] | undefined> {
    checkRecord(key, eventId, timeMs, windowMs, threshold);
    const pk = `window#${createHash("sha256").update(key).digest("base64url")}`;
    let remembered = this.#remembered.get(pk);
    let lostRace = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (lostRace) await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
      const current = remembered ?? (await this.#read(pk));
      const step = recordEvent(current ?? EMPTY_WINDOW, eventId, timeMs, windowMs, threshold);
      if (!step.changed && !remembered) return step.fired;
      if (step.changed && (await this.#write(pk, current?.version, step.next, windowMs))) {
        this.#remember(pk, { ...step.next, version: (current?.version ?? 0) + 1 });
        return step.fired;
      }
      // A remembered state that was stale costs one read, no back-off; a fresh read that lost backs off.
      lostRace = !remembered;
      remembered = undefined;
      this.#remembered.delete(pk);
    }
    throw new StoreError(`window ${pk}: still contended after ${MAX_ATTEMPTS} attempts`);
  }

  #remember(pk: string, item: WindowItem): void {
    if (this.#rememberLimit === 0) return;
    // Re-inserted, so the Map's order is least recently written first.
    this.#remembered.delete(pk);
    this.#remembered.set(pk, item);
    if (this.#remembered.size > this.#rememberLimit) this.#remembered.delete(this.#remembered.keys().next().value as string);
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

import { createHash } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import {
  EMPTY_SEQUENCE,
  EMPTY_WINDOW,
  recordEvent,
  recordStep,
  type SequenceState,
  type SequenceStep,
  type WindowState,
  type WindowStore,
} from "@vigil/core";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { StoreError } from "./errors.ts";
import { STATE_KEY_ATTRIBUTE } from "./stateTableDefinition.ts";
import { EXPIRES_AT_ATTRIBUTE } from "./tableDefinition.ts";

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

/** The pure step one item takes, and how its state sits in the item's attributes. */
interface ItemKind<S> {
  prefix: string;
  empty: S;
  decode(item: Record<string, unknown>): S;
  encode(state: S): Record<string, unknown>;
}

const THRESHOLD_WINDOW: ItemKind<WindowState> = {
  prefix: "window",
  empty: EMPTY_WINDOW,
  decode: (item) => ({ open: item.open as WindowState["open"], bursts: item.bursts as WindowState["bursts"] }),
  encode: (state) => ({ open: state.open, bursts: state.bursts }),
};

const SEQUENCE: ItemKind<SequenceState> = {
  prefix: "sequence",
  empty: EMPTY_SEQUENCE,
  decode: (item) => ({ open: item.steps as SequenceState["open"], done: item.done as SequenceState["done"] }),
  encode: (state) => ({ steps: state.open, done: state.done }),
};

type Step<S, R> = { changed: false; fired: R | undefined } | { changed: true; next: S; fired: R | undefined };

interface Versioned {
  version: number;
  state: unknown;
}

/**
 * The WindowStore of the deployed monitor: one item per window or sequence in the state table,
 * shared by concurrent invocations. Each record is a read, the pure step of core's windowState.ts or
 * sequenceState.ts, and a put conditional on the version read (optimistic concurrency, no
 * transactions): of two writers that raced, one retries on the other's result, so a window reaching
 * its threshold, or a sequence completing, fires exactly once.
 *
 * An item this store wrote last is remembered, so the next event on it (a guessing burst, a
 * principal's refused calls) goes straight to the conditional put, without the read: if another
 * writer moved the item since, the put fails and the loop reads as usual. A decision that writes
 * nothing (an event already counted) is only taken on a fresh read.
 */
export class DynamoWindowStore implements WindowStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly #idleRetentionSeconds: number;
  readonly #now: () => Date;
  readonly #remembered = new Map<string, Versioned>();
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

  async record(key: string, eventId: string, timeMs: number, windowMs: number, threshold: number, distinct?: string): Promise<string[] | undefined> {
    checkKey(key);
    checkEvent(eventId, timeMs);
    checkWindow(windowMs);
    if (!(Number.isInteger(threshold) && threshold >= 1)) throw new StoreError(`threshold: expected a positive whole number, got ${threshold}`);
    if (distinct !== undefined && typeof distinct !== "string") throw new StoreError("distinct: expected a string");
    return this.#update(THRESHOLD_WINDOW, key, windowMs, (state) => recordEvent(state, eventId, timeMs, windowMs, threshold, distinct));
  }

  async recordStep(key: string, step: SequenceStep, windowMs: number, required: readonly string[]): Promise<SequenceStep[] | undefined> {
    checkKey(key);
    checkEvent(step.id, step.t);
    checkWindow(windowMs);
    if (typeof step.step !== "string" || step.step === "") throw new StoreError("step: expected a step name");
    if (required.length === 0) throw new StoreError("required: expected at least one step name");
    return this.#update(SEQUENCE, key, windowMs, (state) => recordStep(state, step, windowMs, required));
  }

  async #update<S, R>(kind: ItemKind<S>, key: string, windowMs: number, step: (state: S) => Step<S, R>): Promise<R | undefined> {
    const pk = `${kind.prefix}#${createHash("sha256").update(key).digest("base64url")}`;
    let remembered = this.#remembered.get(pk);
    let lostRace = false;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (lostRace) await sleep(Math.random() * Math.min(MAX_BACKOFF_MS, 2 ** attempt));
      const current = remembered ?? (await this.#read(kind, pk));
      const taken = step((current?.state as S | undefined) ?? kind.empty);
      if (!taken.changed && !remembered) return taken.fired;
      if (taken.changed && (await this.#write(kind, pk, current?.version, taken.next, windowMs))) {
        this.#remember(pk, { state: taken.next, version: (current?.version ?? 0) + 1 });
        return taken.fired;
      }
      // A remembered state that was stale costs one read, no back-off; a fresh read that lost backs off.
      lostRace = !remembered;
      remembered = undefined;
      this.#remembered.delete(pk);
    }
    throw new StoreError(`${kind.prefix} ${pk}: still contended after ${MAX_ATTEMPTS} attempts`);
  }

  #remember(pk: string, item: Versioned): void {
    if (this.#rememberLimit === 0) return;
    // Re-inserted, so the Map's order is least recently written first.
    this.#remembered.delete(pk);
    this.#remembered.set(pk, item);
    if (this.#remembered.size > this.#rememberLimit) this.#remembered.delete(this.#remembered.keys().next().value as string);
  }

  async #read<S>(kind: ItemKind<S>, pk: string): Promise<Versioned | undefined> {
    try {
      const output = await this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [STATE_KEY_ATTRIBUTE]: pk }, ConsistentRead: true }));
      const item = output.Item;
      return item ? { version: item.version as number, state: kind.decode(item) } : undefined;
    } catch (error) {
      throw storeError(`reading a ${kind.prefix}`, this.tableName, error);
    }
  }

  /** False when another writer changed (or TTL removed) the item since it was read. */
  async #write<S>(kind: ItemKind<S>, pk: string, version: number | undefined, state: S, windowMs: number): Promise<boolean> {
    const nowSeconds = Math.floor(this.#now().getTime() / 1000);
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            [STATE_KEY_ATTRIBUTE]: pk,
            version: (version ?? 0) + 1,
            ...kind.encode(state),
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
      throw storeError(`writing a ${kind.prefix}`, this.tableName, error);
    }
  }
}

function checkKey(key: string): void {
  if (typeof key !== "string" || key === "") throw new StoreError("key: expected a non-empty string");
}

function checkEvent(eventId: string, timeMs: number): void {
  if (typeof eventId !== "string" || eventId === "") throw new StoreError("eventId: expected a non-empty string");
  if (!Number.isFinite(timeMs)) throw new StoreError(`timeMs: expected epoch milliseconds, got ${timeMs}`);
}

function checkWindow(windowMs: number): void {
  if (!(Number.isFinite(windowMs) && windowMs > 0)) throw new StoreError(`windowMs: expected a positive number, got ${windowMs}`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

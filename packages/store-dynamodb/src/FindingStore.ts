import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import type { Finding, FindingStatus } from "@vigil/core";
import { type CursorKey, decodeCursor, encodeCursor, queryFingerprint } from "./cursor.ts";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { DeliveryLeaseLostError, StoreError } from "./errors.ts";
import { type FindingItem, fromItem, isExpired, toItem } from "./findingItem.ts";
import { type FindingPage, type FindingQuery, type Partition, planQuery } from "./FindingQuery.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import {
  type ClaimResult,
  type CompleteOptions,
  checkChannel,
  checkInstant,
  checkLease,
  checkOwner,
  type DeliveryChannel,
  type Deliveries,
  deliveryAttribute,
  dueBound,
  dueKey,
  errorMessage,
  type Lease,
  pendingAttributes,
  type ReleaseOptions,
  readDeliveries,
  SWEPT_CHANNEL,
} from "./outbox.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, PENDING_NOTIFICATION_INDEX } from "./tableDefinition.ts";

export interface FindingStoreOptions {
  client: DynamoDBDocumentClient;
  tableName: string;
  /** Signs list cursors; give one wherever cursors reach a caller (the API). */
  cursorSecret?: CursorKey;
  /** How long a resolved finding is kept; 90 days when absent. */
  resolvedRetentionDays?: number;
  /** Puts in flight at once; 16 when absent. */
  concurrency?: number;
  /** The clock that decides expiry (and when an unclaimed new finding is due for the sweep); the wall clock when absent. */
  now?: () => Date;
}

export interface PutFindingsOptions {
  /** The sns lease every finding this call creates is born with, so its creator can publish at once without the retry sweep racing it. */
  claimFor?: Lease;
}

export interface ListUndeliveredOptions {
  /** Epoch ms: findings whose lease is free or ended by then. */
  nowMs: number;
  /** 1 to 1000; 100 when absent. */
  limit?: number;
}

export interface PutFindingsResult {
  /** The findings this call wrote, in input order. */
  created: Finding[];
  /** Ids of the others (already stored, or repeated in the input), in input order: every input lands in one list. */
  existing: string[];
}

const BATCH_GET_SIZE = 100;
const BATCH_GET_RETRIES = 3;
const DEFAULT_UNDELIVERED_LIMIT = 100;
const MAX_UNDELIVERED_LIMIT = 1000;
const ID = KEY_ATTRIBUTES.id;
const TIME = KEY_ATTRIBUTES.time;
const PENDING = KEY_ATTRIBUTES.pendingNotification;
const DUE = KEY_ATTRIBUTES.notificationDue;

/** `id` absent, or present but past its retention: either way, as if TTL had already deleted it. */
const ABSENT = "attribute_not_exists(#id) OR #expiresAt <= :now";
const LIVE = "attribute_not_exists(#expiresAt) OR #expiresAt > :now";

/**
 * The findings table (see tableDefinition.ts and the package README). Writes are idempotent
 * (conditional puts on the deterministic id), lists are index Queries newest first, and a resolved
 * finding past its retention reads as absent whether or not DynamoDB's TTL has removed it. Each
 * finding also carries its notification outbox: per channel, a lease taken and given back with
 * conditional updates, so that a finding is notified after it is stored, retried until delivered,
 * and delivered once.
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
   * what guarantees that concurrent writers create each finding once. A created finding's sns
   * notification is pending, held by `claimFor.owner` when given: only the creator publishes it.
   */
  async putFindings(findings: readonly Finding[], options: PutFindingsOptions = {}): Promise<PutFindingsResult> {
    const claim = options.claimFor;
    if (claim !== undefined) checkLease(claim, "claimFor");
    const nowMs = this.#now().getTime();
    const now = Math.floor(nowMs / 1000);
    const created = new Array<boolean>(findings.length).fill(false);
    const firstIndex = new Map<string, number>();
    findings.forEach((finding, index) => {
      if (!firstIndex.has(finding.id)) firstIndex.set(finding.id, index);
    });
    const stored = await this.#storedIds([...firstIndex.keys()], now);
    const missing = [...firstIndex].filter(([id]) => !stored.has(id)).map(([, index]) => index);
    await mapConcurrent(missing, this.#concurrency, async (index) => {
      created[index] = await this.#putIfAbsent(findings[index] as Finding, nowMs, claim);
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

  /**
   * Takes the lease to deliver a finding on a channel: a conditional update that succeeds only
   * while the finding is stored, not delivered there, and nobody else's lease is running.
   * "delivered" and "busy" tell the caller there is nothing to send now; "missing" that there is no
   * (unexpired) finding. Each claim counts as an attempt.
   */
  async claimDelivery(findingId: string, channel: DeliveryChannel, lease: Lease): Promise<ClaimResult> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    checkLease(lease);
    const until = lease.nowMs + lease.leaseMs;
    const names = this.#deliveryNames(channel);
    const claimed = await this.#conditionalUpdate(`claiming the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #owner = :owner, #until = :until, #attempts = if_not_exists(#attempts, :zero) + :one${channel === SWEPT_CHANNEL ? ", #pending = :channel, #due = :due" : ""}`,
      ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND attribute_not_exists(#deliveredAt) AND (attribute_not_exists(#until) OR #until <= :nowMs)`,
      ExpressionAttributeNames: {
        "#id": ID,
        "#expiresAt": EXPIRES_AT_ATTRIBUTE,
        "#owner": names.owner,
        "#until": names.until,
        "#attempts": names.attempts,
        "#deliveredAt": names.deliveredAt,
        ...(channel === SWEPT_CHANNEL ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":now": this.#nowSeconds(),
        ":nowMs": lease.nowMs,
        ":owner": lease.owner,
        ":until": until,
        ":zero": 0,
        ":one": 1,
        ...(channel === SWEPT_CHANNEL ? { ":channel": channel, ":due": dueKey(until, findingId) } : {}),
      },
    });
    if (claimed) return "claimed";
    // The failed condition does not say which part failed (dynalite cannot return the old item), so read it.
    const deliveries = await this.getDeliveries(findingId);
    if (!deliveries) return "missing";
    return deliveries[channel].delivered ? "delivered" : "busy";
  }

  /**
   * Records that the holder of the lease delivered the finding; the sns channel leaves the pending
   * index. Repeating it by the same owner is harmless. DeliveryLeaseLostError when the lease went to
   * another owner (this one's ran out): the send happened twice or is about to.
   */
  async completeDelivery(findingId: string, channel: DeliveryChannel, options: CompleteOptions): Promise<void> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    checkOwner(options?.owner);
    checkInstant(options.nowMs, "nowMs");
    if (options.reference !== undefined && typeof options.reference !== "string") throw new StoreError("reference: expected a string");
    const names = this.#deliveryNames(channel);
    const swept = channel === SWEPT_CHANNEL;
    const completed = await this.#conditionalUpdate(`completing the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #deliveredAt = :at, #deliveredBy = :owner${options.reference === undefined ? "" : ", #reference = :reference"} REMOVE #owner, #until${swept ? ", #pending, #due" : ""}`,
      ConditionExpression: "#owner = :owner OR #deliveredBy = :owner",
      ExpressionAttributeNames: {
        "#deliveredAt": names.deliveredAt,
        "#deliveredBy": names.deliveredBy,
        "#owner": names.owner,
        "#until": names.until,
        ...(options.reference === undefined ? {} : { "#reference": names.reference }),
        ...(swept ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":at": new Date(options.nowMs).toISOString(),
        ":owner": options.owner,
        ...(options.reference === undefined ? {} : { ":reference": options.reference }),
      },
    });
    if (!completed) throw new DeliveryLeaseLostError(findingId, channel, options.owner);
  }

  /**
   * Gives the lease back after a failed send: the finding stays undelivered, the error is kept, and
   * the sns channel is due again at once for the sweep. False when this owner no longer held the
   * lease (nothing is changed then: the newer holder's state stands).
   */
  async releaseDelivery(findingId: string, channel: DeliveryChannel, options: ReleaseOptions): Promise<boolean> {
    checkOwner(findingId, "findingId");
    checkChannel(channel);
    checkOwner(options?.owner);
    const nowMs = options.nowMs ?? this.#now().getTime();
    checkInstant(nowMs, "nowMs");
    const names = this.#deliveryNames(channel);
    const swept = channel === SWEPT_CHANNEL;
    return this.#conditionalUpdate(`releasing the ${channel} delivery of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #lastError = :error${swept ? ", #pending = :channel, #due = :due" : ""} REMOVE #owner, #until`,
      ConditionExpression: "#owner = :owner AND attribute_not_exists(#deliveredAt)",
      ExpressionAttributeNames: {
        "#lastError": names.lastError,
        "#owner": names.owner,
        "#until": names.until,
        "#deliveredAt": names.deliveredAt,
        ...(swept ? { "#pending": PENDING, "#due": DUE } : {}),
      },
      ExpressionAttributeValues: {
        ":error": errorMessage(options.error),
        ":owner": options.owner,
        ...(swept ? { ":channel": channel, ":due": dueKey(nowMs, findingId) } : {}),
      },
    });
  }

  /**
   * The findings whose sns notification is still pending and whose lease is free or ended at
   * `nowMs`, the longest due first: a Query of the sparse pending index, never a Scan. The index is
   * eventually consistent, so a finding may show here a moment after its delivery; claimDelivery
   * then answers "delivered".
   */
  async listUndelivered(options: ListUndeliveredOptions): Promise<Finding[]> {
    checkInstant(options?.nowMs, "nowMs");
    const limit = options.limit ?? DEFAULT_UNDELIVERED_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_UNDELIVERED_LIMIT) {
      throw new StoreError(`limit: expected a whole number from 1 to ${MAX_UNDELIVERED_LIMIT}, got ${String(options.limit)}`);
    }
    const items: FindingItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.#send("listing undelivered findings", () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: PENDING_NOTIFICATION_INDEX,
            KeyConditionExpression: "#pending = :channel AND #due < :bound",
            FilterExpression: LIVE,
            ExpressionAttributeNames: { "#pending": PENDING, "#due": DUE, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
            ExpressionAttributeValues: { ":channel": SWEPT_CHANNEL, ":bound": dueBound(options.nowMs), ":now": this.#nowSeconds() },
            Limit: limit - items.length,
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      items.push(...((output.Items ?? []) as FindingItem[]));
      startKey = output.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items.map(fromItem);
  }

  /** Every channel's delivery state of a stored (unexpired) finding; undefined when there is none. */
  async getDeliveries(findingId: string): Promise<Deliveries | undefined> {
    const output = await this.#send("reading a finding's deliveries", () =>
      this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [ID]: findingId }, ConsistentRead: true })),
    );
    return output.Item && !isExpired(output.Item, this.#nowSeconds()) ? readDeliveries(output.Item) : undefined;
  }

  #deliveryNames(channel: DeliveryChannel) {
    return {
      owner: deliveryAttribute(channel, "LeaseOwner"),
      until: deliveryAttribute(channel, "LeaseUntil"),
      attempts: deliveryAttribute(channel, "Attempts"),
      lastError: deliveryAttribute(channel, "LastError"),
      deliveredAt: deliveryAttribute(channel, "DeliveredAt"),
      deliveredBy: deliveryAttribute(channel, "DeliveredBy"),
      reference: deliveryAttribute(channel, "Reference"),
    };
  }

  /** False when the condition failed; any other failure is a StoreError. */
  async #conditionalUpdate(operation: string, input: Omit<UpdateCommandInput, "TableName">): Promise<boolean> {
    try {
      await this.#client.send(new UpdateCommand({ TableName: this.tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError(operation, this.tableName, error);
    }
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
  async #putIfAbsent(finding: Finding, nowMs: number, claim: Lease | undefined): Promise<boolean> {
    const now = Math.floor(nowMs / 1000);
    const expiresAt = finding.status === "resolved" ? now + this.#retentionSeconds : undefined;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...toItem(finding, expiresAt), ...pendingAttributes(finding.id, nowMs, claim) },
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

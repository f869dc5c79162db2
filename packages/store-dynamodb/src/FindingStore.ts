import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from "@aws-sdk/lib-dynamodb";
import { FINDING_STATUSES, type Finding, type FindingStatus, SEVERITIES } from "@vigil/core";
import { type CursorKey, decodeCursor, encodeCursor, queryFingerprint } from "./cursor.ts";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { DeliveryLeaseLostError, FindingNotFoundError, InvalidRequestError, InvalidTransitionError, StoreError } from "./errors.ts";
import {
  effectiveStatus,
  type FindingItem,
  fromItem,
  HISTORY_ATTRIBUTE,
  isExpired,
  newFindingItem,
  SUPPRESSED_UNTIL_ATTRIBUTE,
  SYSTEM_ACTOR,
} from "./findingItem.ts";
import { type FindingPage, type FindingQuery, type Partition, type PlannedPartition, planQuery } from "./FindingQuery.ts";
import { isoInstant } from "./instant.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import { type PartitionRead, readMerged } from "./mergedRead.ts";
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
  type ReleaseOptions,
  readDeliveries,
  SWEPT_CHANNEL,
} from "./outbox.ts";
import { type Expression, filterExpression, keyCondition, LIVE, type ReadClock } from "./queryExpressions.ts";
import { emptySummary, type FindingSummary, type SummaryOptions, summaryRuleIds } from "./summary.ts";
import { EXPIRES_AT_ATTRIBUTE, INDEX_NAMES, KEY_ATTRIBUTES, PENDING_NOTIFICATION_INDEX } from "./tableDefinition.ts";
import {
  allowedActions,
  checkTransitionRequest,
  expiryEntry,
  type HistoryEntry,
  readHistory,
  TRANSITIONS,
  type TransitionRequest,
  type TransitionResult,
} from "./triage.ts";

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
  /**
   * Index entries one list page may read before it answers with what it found (fewer than the
   * limit, with a cursor) when filters drop most of them; 1000 when absent.
   */
  pageReadBudget?: number;
}

export interface FindingWithHistory {
  finding: Finding;
  /** Oldest first, the creation included. */
  history: HistoryEntry[];
}

export interface PutFindingsOptions {
  /** The sns lease every finding this call creates is born with, so its creator can publish at once without the retry sweep racing it. */
  claimFor?: Lease;
  /**
   * Read which findings are stored before writing (one BatchGetItem per 100 ids); true when absent.
   * It saves writes when most are stored already (a rescan); a caller whose findings are mostly new
   * (the monitor, one event at a time) passes false and lets the conditional puts decide alone.
   */
  precheck?: boolean;
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
const DEFAULT_PAGE_READ_BUDGET = 1000;
/** A status change re-reads and retries when another one lands between its read and its write; this many times at most. */
const MAX_CHANGE_ATTEMPTS = 5;
const ID = KEY_ATTRIBUTES.id;
const TIME = KEY_ATTRIBUTES.time;
const PENDING = KEY_ATTRIBUTES.pendingNotification;
const DUE = KEY_ATTRIBUTES.notificationDue;

/** `id` absent, or present but past its retention: either way, as if TTL had already deleted it. */
const ABSENT = "attribute_not_exists(#id) OR #expiresAt <= :now";

/** What a status change writes, decided from the status the finding has when it is read. */
interface StatusChange {
  to: FindingStatus;
  entry: HistoryEntry;
  /** The new suppression's expiry. */
  until?: string;
}

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
  readonly #pageReadBudget: number;

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
    const budget = options.pageReadBudget ?? DEFAULT_PAGE_READ_BUDGET;
    if (!Number.isInteger(budget) || budget < 1) throw new StoreError(`pageReadBudget: expected a positive whole number, got ${budget}`);
    this.#pageReadBudget = budget;
  }

  /**
   * Stores the findings not stored yet and never touches one that is (its status may have been
   * triaged). One BatchGetItem per 100 ids skips the known ones cheaply (unless `precheck` is
   * false); the conditional put is what guarantees that concurrent writers create each finding
   * once. A created finding's sns notification is pending, held by `claimFor.owner` when given:
   * only the creator publishes it.
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
    const stored = options.precheck === false ? new Set<string>() : await this.#storedIds([...firstIndex.keys()], now);
    const missing = [...firstIndex].filter(([id]) => !stored.has(id)).map(([, index]) => index);
    await mapConcurrent(missing, this.#concurrency, async (index) => {
      created[index] = await this.#putIfAbsent(findings[index] as Finding, nowMs, claim);
    });
    const result: PutFindingsResult = { created: [], existing: [] };
    findings.forEach((finding, index) => (created[index] ? result.created.push(finding) : result.existing.push(finding.id)));
    return result;
  }

  /** The finding as a person sees it (a suppression past its expiry reads as open), or undefined when there is none (or it is past its retention). */
  async getFinding(id: string): Promise<Finding | undefined> {
    return (await this.getFindingWithHistory(id))?.finding;
  }

  /** The finding and its history, oldest first, from one consistent read; undefined when there is none. */
  async getFindingWithHistory(id: string): Promise<FindingWithHistory | undefined> {
    const clock = this.#clock();
    const item = await this.#readItem(id, "reading a finding");
    return item && !isExpired(item, clock.seconds) ? { finding: fromItem(item, clock.iso), history: readHistory(item, clock.iso) } : undefined;
  }

  /** Who changed the finding's status, when, how and why, oldest first (its creation by "vigil" is the first entry); undefined when there is no finding. */
  async getHistory(id: string): Promise<HistoryEntry[] | undefined> {
    return (await this.getFindingWithHistory(id))?.history;
  }

  /**
   * Triage: acknowledge, suppress, resolve or reopen a finding, as `actor`. The change and its
   * history entry are one UpdateItem conditioned on the status read just before, so two people
   * triaging at once cannot both move the same status (the second is re-checked against the first's
   * result). InvalidTransitionError when the status does not allow the action, FindingNotFoundError
   * when there is no finding, InvalidRequestError for a malformed request. Resolving starts the
   * retention clock, any other change stops it.
   */
  async transition(id: string, request: TransitionRequest): Promise<TransitionResult> {
    if (typeof id !== "string" || id === "") throw new InvalidRequestError("id", "expected a finding id");
    const nowMs = request?.nowMs ?? this.#now().getTime();
    checkInstant(nowMs, "nowMs");
    const checked = checkTransitionRequest(request, nowMs);
    const rule = TRANSITIONS[checked.action];
    return this.#changeStatus(id, nowMs, (from) => {
      if (!rule.from.includes(from)) throw new InvalidTransitionError(id, from, checked.action, allowedActions(from));
      const entry: HistoryEntry = {
        at: isoInstant(nowMs),
        actor: checked.actor,
        action: checked.action,
        from,
        to: rule.to,
        ...(checked.reason === undefined ? {} : { reason: checked.reason }),
        ...(checked.until === undefined ? {} : { until: checked.until }),
      };
      return { to: rule.to, entry, ...(checked.until === undefined ? {} : { until: checked.until }) };
    });
  }

  /**
   * Sets the status outside the triage state machine (any status to any), recorded in the history
   * as a "set-status" by "vigil". Resolving starts the retention clock; any other status stops it.
   * Undefined when there is no such (unexpired) finding.
   */
  async setStatus(id: string, status: FindingStatus): Promise<Finding | undefined> {
    if (!(FINDING_STATUSES as readonly unknown[]).includes(status)) throw new InvalidRequestError("status", `expected one of ${FINDING_STATUSES.join(", ")}, got ${JSON.stringify(status)}`);
    const nowMs = this.#now().getTime();
    try {
      const result = await this.#changeStatus(id, nowMs, (from) => ({ to: status, entry: { at: isoInstant(nowMs), actor: SYSTEM_ACTOR, action: "set-status", from, to: status } }));
      return result.finding;
    } catch (error) {
      if (error instanceof FindingNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Writes down the suppressions whose expiry has passed by `nowMs` (the store's clock when absent):
   * each becomes open, with a "reopen" entry by "vigil" at its expiry. Reads see an expired
   * suppression as open already; this moves it to the open status partition. A Query of the
   * suppressed partition, never a Scan; run it on a schedule. Returns the ids it reopened.
   */
  async reopenExpiredSuppressions(nowMs: number = this.#now().getTime()): Promise<string[]> {
    checkInstant(nowMs, "nowMs");
    const clock = this.#clock(nowMs);
    const expired: { id: string; until: string }[] = [];
    const filter = filterExpression([{ kind: "suppression", expired: true }], clock);
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.#send("listing expired suppressions", () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.tableName,
            IndexName: INDEX_NAMES.status,
            KeyConditionExpression: "#pk = :pk",
            FilterExpression: filter.text,
            ProjectionExpression: "#id, #until",
            ExpressionAttributeNames: { "#pk": KEY_ATTRIBUTES.status, "#id": ID, ...filter.names },
            ExpressionAttributeValues: { ":pk": "suppressed", ...filter.values },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      for (const item of output.Items ?? []) expired.push({ id: item[ID] as string, until: item[SUPPRESSED_UNTIL_ATTRIBUTE] as string });
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    const reopened = new Array<boolean>(expired.length).fill(false);
    await mapConcurrent(expired, this.#concurrency, async ({ id, until }, index) => {
      // Conditioned on the very suppression read: one renewed or triaged meanwhile is left alone.
      reopened[index] = await this.#conditionalUpdate(`reopening the expired suppression of ${id}`, {
        Key: { [ID]: id },
        UpdateExpression: "SET #status = :open, #statusKey = :open, #history = list_append(if_not_exists(#history, :none), :entries) REMOVE #until",
        ConditionExpression: `attribute_exists(#id) AND #status = :suppressed AND #until = :until`,
        ExpressionAttributeNames: { "#id": ID, "#status": "status", "#statusKey": KEY_ATTRIBUTES.status, "#history": HISTORY_ATTRIBUTE, "#until": SUPPRESSED_UNTIL_ATTRIBUTE },
        ExpressionAttributeValues: { ":open": "open", ":suppressed": "suppressed", ":until": until, ":none": [], ":entries": [expiryEntry(until)] },
      });
    });
    return expired.filter((_, index) => reopened[index]).map(({ id }) => id);
  }

  /**
   * One page, newest first, of the findings matching any combination of filters and a time range.
   * The most selective filter picks the index partition(s) (see DRIVING_ORDER), the time range and
   * the cursor bound its sort key, and the other filters are FilterExpressions. Partitions are read
   * from the cursor's position on and merged; reading goes on while filters leave the page short,
   * up to the page read budget, after which the page may be short (even empty) but has a cursor.
   */
  async listFindings(query: FindingQuery = {}): Promise<FindingPage> {
    const plan = planQuery(query);
    const fingerprint = queryFingerprint([this.tableName, ...plan.parts]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint, this.#cursorKey);
    const clock = this.#clock();
    // The cursor's own item is the inclusive upper bound and is dropped: nothing in DynamoDB's key conditions combines "<" with a lower bound.
    const upperKey = after !== undefined && (plan.upperKey === undefined || after < plan.upperKey) ? after : plan.upperKey;
    // One more than the page: if it exists, there is a next page.
    const { items, resumeBelow } = await readMerged(plan.partitions, plan.limit + 1, this.#pageReadBudget, (planned, startKey, limit) =>
      this.#readPartition(planned, { lowerKey: plan.lowerKey, upperKey, exclude: after, startKey, limit, clock }),
    );
    const page = items.slice(0, plan.limit);
    const position = items.length > plan.limit ? page.at(-1)?.[TIME] : resumeBelow;
    return {
      items: page.map((item) => fromItem(item, clock.iso)),
      ...(position === undefined ? {} : { cursor: encodeCursor(position, fingerprint, this.#cursorKey) }),
    };
  }

  /**
   * Counts of the live findings by severity, by status (as in effect now) and by the given rules,
   * in one pass: a Query of each severity partition, never a Scan, reading only each finding's
   * status, suppression end and rule, tallied here. It still reads every live finding (what a
   * COUNT Query costs too), so call it for a dashboard, not per finding.
   */
  async summarize(options: SummaryOptions): Promise<FindingSummary> {
    const ruleIds = summaryRuleIds(options);
    const summary = emptySummary(ruleIds);
    const asked = new Set(ruleIds);
    const clock = this.#clock();
    await mapConcurrent(SEVERITIES, this.#concurrency, async (severity) => {
      const partition: Partition = { indexName: INDEX_NAMES.severity, keyAttribute: KEY_ATTRIBUTES.severity, value: severity };
      const input = this.#queryInput(partition, keyCondition(partition, undefined, undefined) as Expression, filterExpression([], clock));
      let startKey: Record<string, unknown> | undefined;
      do {
        const output = await this.#send("summarizing findings", () =>
          this.#client.send(
            new QueryCommand({
              ...input,
              ProjectionExpression: "#s, #u, #r",
              ExpressionAttributeNames: { ...input.ExpressionAttributeNames, "#s": "status", "#u": SUPPRESSED_UNTIL_ATTRIBUTE, "#r": "ruleId" },
              ...(startKey ? { ExclusiveStartKey: startKey } : {}),
            }),
          ),
        );
        for (const item of output.Items ?? []) {
          summary.bySeverity[severity] += 1;
          summary.byStatus[effectiveStatus(item, clock.iso)] += 1;
          const ruleId = item.ruleId as string;
          if (asked.has(ruleId)) summary.byRule[ruleId] = (summary.byRule[ruleId] ?? 0) + 1;
        }
        startKey = output.LastEvaluatedKey;
      } while (startKey);
    });
    return summary;
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
    const nowIso = this.#clock().iso;
    return items.map((item) => fromItem(item, nowIso));
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

  /** One Query of a list: matching, unexpired items of one partition between the bounds, newest first, without the cursor's own item. */
  async #readPartition(
    planned: PlannedPartition,
    range: { lowerKey: string | undefined; upperKey: string | undefined; exclude: string | undefined; startKey: Record<string, unknown> | undefined; limit: number; clock: ReadClock },
  ): Promise<PartitionRead> {
    const key = keyCondition(planned.partition, range.lowerKey, range.upperKey);
    if (!key) return { items: [], lastKey: undefined, scanned: 0 };
    const filter = filterExpression(planned.filters, range.clock);
    const output = await this.#send("listing findings", () =>
      this.#client.send(new QueryCommand({ ...this.#queryInput(planned.partition, key, filter), ScanIndexForward: false, Limit: range.limit, ...(range.startKey ? { ExclusiveStartKey: range.startKey } : {}) })),
    );
    const items = ((output.Items ?? []) as FindingItem[]).filter((item) => item[TIME] !== range.exclude);
    return { items, lastKey: output.LastEvaluatedKey, scanned: output.ScannedCount ?? items.length };
  }

  #queryInput(partition: Partition, key: Expression, filter: Expression): QueryCommandInput {
    return {
      TableName: this.tableName,
      IndexName: partition.indexName,
      KeyConditionExpression: key.text,
      FilterExpression: filter.text,
      ExpressionAttributeNames: { ...key.names, ...filter.names },
      ExpressionAttributeValues: { ...key.values, ...filter.values },
    };
  }

  /**
   * Reads the finding, lets `decide` choose the change from the status in effect (or throw), and
   * writes it with its history entry in one UpdateItem conditioned on the status and suppression
   * expiry just read. A suppression that ran out is open: its expiry entry is written first, in
   * the same update. When another change landed in between, it starts again from that one.
   */
  async #changeStatus(id: string, nowMs: number, decide: (from: FindingStatus) => StatusChange): Promise<TransitionResult> {
    const clock = this.#clock(nowMs);
    for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
      const item = await this.#readItem(id, "reading a finding");
      if (!item || isExpired(item, clock.seconds)) throw new FindingNotFoundError(id);
      const stored = item.status as FindingStatus;
      const storedUntil = item[SUPPRESSED_UNTIL_ATTRIBUTE] as string | undefined;
      const from = effectiveStatus(item, clock.iso);
      const change = decide(from);
      const entries = stored === "suppressed" && from === "open" ? [expiryEntry(storedUntil as string), change.entry] : [change.entry];
      const set = ["#status = :to", "#statusKey = :to", "#history = list_append(if_not_exists(#history, :none), :entries)"];
      const remove: string[] = [];
      if (change.until === undefined) remove.push("#until");
      else set.push("#until = :newUntil");
      if (change.to === "resolved") set.push("#expiresAt = :expiresAt");
      else remove.push("#expiresAt");
      try {
        const output = await this.#client.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: { [ID]: id },
            UpdateExpression: `SET ${set.join(", ")} REMOVE ${remove.join(", ")}`,
            ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #status = :stored AND ${storedUntil === undefined ? "attribute_not_exists(#until)" : "#until = :storedUntil"}`,
            ExpressionAttributeNames: { "#id": ID, "#status": "status", "#statusKey": KEY_ATTRIBUTES.status, "#history": HISTORY_ATTRIBUTE, "#until": SUPPRESSED_UNTIL_ATTRIBUTE, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
            ExpressionAttributeValues: {
              ":to": change.to,
              ":none": [],
              ":entries": entries,
              ":now": clock.seconds,
              ":stored": stored,
              ...(storedUntil === undefined ? {} : { ":storedUntil": storedUntil }),
              ...(change.until === undefined ? {} : { ":newUntil": change.until }),
              ...(change.to === "resolved" ? { ":expiresAt": clock.seconds + this.#retentionSeconds } : {}),
            },
            ReturnValues: "ALL_NEW",
          }),
        );
        return { finding: fromItem(output.Attributes as FindingItem, clock.iso), entry: change.entry };
      } catch (error) {
        if (!isConditionFailure(error)) throw storeError(`changing the status of finding ${id}`, this.tableName, error);
      }
    }
    throw new StoreError(`finding ${id} changed ${MAX_CHANGE_ATTEMPTS} times while its status was being changed; try again`);
  }

  /** The item as stored (strongly consistent), expired or not; undefined when there is none. */
  async #readItem(id: string, operation: string): Promise<FindingItem | undefined> {
    const output = await this.#send(operation, () => this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [ID]: id }, ConsistentRead: true })));
    return output.Item as FindingItem | undefined;
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
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: newFindingItem(finding, { nowMs, retentionSeconds: this.#retentionSeconds, ...(claim ? { claim } : {}) }),
          ConditionExpression: ABSENT,
          ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
          ExpressionAttributeValues: { ":now": Math.floor(nowMs / 1000) },
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

  /** The instant reads and changes are judged at: `nowMs`, else the store's clock. */
  #clock(nowMs: number = this.#now().getTime()): ReadClock {
    return { seconds: Math.floor(nowMs / 1000), iso: isoInstant(nowMs) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

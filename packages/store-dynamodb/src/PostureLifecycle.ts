import { type DynamoDBDocumentClient, GetCommand, QueryCommand, UpdateCommand, type UpdateCommandInput } from "@aws-sdk/lib-dynamodb";
import type { Finding, FindingStatus } from "@vigil/core";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { InvalidRequestError, StoreError } from "./errors.ts";
import { effectiveStatus, type FindingItem, fromItem, HISTORY_ATTRIBUTE, isExpired, SUPPRESSED_UNTIL_ATTRIBUTE, SYSTEM_ACTOR } from "./findingItem.ts";
import type { FindingStore } from "./FindingStore.ts";
import { isoInstant } from "./instant.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import type { Lease } from "./outbox.ts";
import { LIVE } from "./queryExpressions.ts";
import { EXPIRES_AT_ATTRIBUTE, INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";
import { expiryEntry, type HistoryEntry } from "./triage.ts";

export interface PostureLifecycleOptions {
  /** Creates the new findings (putFindings: conditional, with the outbox). */
  store: FindingStore;
  /** The client `store` uses: the lifecycle's own conditional updates go to the same table. */
  client: DynamoDBDocumentClient;
  /** How long an automatically resolved finding is kept; give the store's value (90 days when absent, as the store). */
  resolvedRetentionDays?: number;
  /** Updates in flight at once; 8 when absent. */
  concurrency?: number;
}

/** One posture run of one account, as `syncPostureRun` takes it. */
export interface PostureRunSync {
  account: string;
  /**
   * The checks that ran in full. Only their stored findings can be resolved for not being seen: a
   * check that was skipped (or skipped part of its input) proves nothing about what it did not see.
   */
  checkIds: readonly string[];
  /** Every finding of the run (runPostureChecks), all of `account`, none with an eventId. */
  findings: readonly Finding[];
  /** The run's instant: its findings' lastSeenAt, and the time of what it resolves and reopens. */
  now: Date;
  /** The sns lease the new findings are born with, so the run can notify them without the sweep racing it. */
  claimFor?: Lease;
}

export interface PostureSyncResult {
  /** Stored by this run, open, their notification pending (held by `claimFor.owner` when given). */
  created: Finding[];
  /** Ids of the findings already stored (and not resolved) that the run saw again; their status is untouched. */
  seenAgain: string[];
  /** Those of `seenAgain` whose status in effect is open or acknowledged (not suppressed), as stored. */
  stillOpen: Finding[];
  /** Stored findings of the checks that ran, not seen by the run: resolved by "vigil", as they are now. */
  resolved: Finding[];
  /** Resolved findings the run saw again: open again, by "vigil". */
  reopened: Finding[];
}

/** What the opt-in remediation did (or would do) about a finding, kept as its `details.remediation`. */
export interface RemediationRecord {
  /** ISO instant of the run. */
  at: string;
  dryRun: boolean;
  actions: readonly Record<string, unknown>[];
}

const MAX_ATTEMPTS = 5;
const DEFAULT_CONCURRENCY = 8;
const ID = KEY_ATTRIBUTES.id;
const LAST_SEEN = "lastSeenAt";
const DETAILS = "details";
const REMEDIATION = "remediation";

/** How a finding of the run met its stored self. */
type Sighting = { kind: "seen"; item: FindingItem } | { kind: "reopened"; item: FindingItem } | { kind: "none" };

/**
 * The lifecycle of posture findings across scheduled runs: a condition first seen is stored open,
 * one seen again has its lastSeenAt moved (and nothing else), one no longer seen is resolved, and a
 * resolved one that comes back is reopened, each change with a history entry by "vigil". Stored
 * findings are found through the byRule index (partition: the check id), never a Scan.
 *
 * Runs may overlap (a slow run, a retried one). Every change is one conditional UpdateItem guarded
 * by the finding's history length (each status change appends one entry, so it is the item's
 * status version) and by lastSeenAt: a run resolves a finding only if no run at or after its own
 * instant saw it, and reopens one only if it was resolved before its instant. Whatever order
 * overlapping runs land in, the newest observation decides.
 *
 * Resolve and reopen are not FindingStore.transition: that conditions on the status alone, so a
 * run could resolve a finding a newer run had just seen. They write what transition writes (status,
 * its index key, the retention clock, the history entry in the same shape) plus that guard.
 */
export class PostureLifecycle {
  readonly #store: FindingStore;
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #retentionSeconds: number;
  readonly #concurrency: number;

  constructor(options: PostureLifecycleOptions) {
    const days = options.resolvedRetentionDays ?? 90;
    if (!(days > 0)) throw new StoreError(`resolvedRetentionDays: expected a positive number, got ${days}`);
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new StoreError(`concurrency: expected a positive whole number, got ${concurrency}`);
    this.#store = options.store;
    this.#client = options.client;
    this.#tableName = options.store.tableName;
    this.#retentionSeconds = Math.round(days * 86_400);
    this.#concurrency = concurrency;
  }

  /**
   * Brings the stored posture findings of `account` in line with one run. InvalidRequestError
   * (naming the field) for a malformed run, before anything is written.
   */
  async syncPostureRun(run: PostureRunSync): Promise<PostureSyncResult> {
    const { account, checkIds, findings, now } = checkRun(run);
    const nowMs = now.getTime();
    const seenIso = isoInstant(nowMs);

    const { created, existing } = await this.#store.putFindings(findings, run.claimFor ? { claimFor: run.claimFor } : {});
    const existingIds = [...new Set(existing)];
    const sightings = new Array<Sighting>(existingIds.length);
    await mapConcurrent(existingIds, this.#concurrency, async (id, index) => {
      sightings[index] = await this.#sighted(id, seenIso, nowMs);
    });

    const result: PostureSyncResult = { created, seenAgain: [], stillOpen: [], resolved: [], reopened: [] };
    sightings.forEach((sighting, index) => {
      if (sighting.kind === "none") return;
      const finding = fromItem(sighting.item, seenIso);
      if (sighting.kind === "reopened") {
        result.reopened.push(finding);
        return;
      }
      result.seenAgain.push(existingIds[index] as string);
      if (finding.status === "open" || finding.status === "acknowledged") result.stillOpen.push(finding);
    });

    const seenIds = new Set(findings.map((finding) => finding.id));
    const candidates: FindingItem[] = [];
    for (const checkId of new Set(checkIds)) {
      for (const item of await this.#unresolvedOf(checkId, account, nowMs)) if (!seenIds.has(item[ID] as string)) candidates.push(item);
    }
    const resolved = new Array<FindingItem | undefined>(candidates.length);
    await mapConcurrent(candidates, this.#concurrency, async (item, index) => {
      resolved[index] = await this.#resolveUnseen(item, seenIso, nowMs);
    });
    for (const item of resolved) if (item) result.resolved.push(fromItem(item, seenIso));
    return result;
  }

  /**
   * Keeps what the remediation did about a finding as its `details.remediation` (the latest run's,
   * replacing an earlier one, so a daily dry run does not grow the item). False when there is no
   * such finding.
   */
  async recordRemediation(findingId: string, record: RemediationRecord): Promise<boolean> {
    if (typeof findingId !== "string" || findingId === "") throw new InvalidRequestError("findingId", "expected a finding id");
    const value = { at: record.at, dryRun: record.dryRun, actions: [...record.actions] };
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A nested path can be set only inside an existing map, so a finding without details gets the whole map.
      const nested = await this.#conditionalUpdate(`recording the remediation of ${findingId}`, {
        Key: { [ID]: findingId },
        UpdateExpression: "SET #details.#remediation = :record",
        ConditionExpression: "attribute_exists(#id) AND attribute_type(#details, :map)",
        ExpressionAttributeNames: { "#id": ID, "#details": DETAILS, "#remediation": REMEDIATION },
        ExpressionAttributeValues: { ":record": value, ":map": "M" },
      });
      if (nested) return true;
      const whole = await this.#conditionalUpdate(`recording the remediation of ${findingId}`, {
        Key: { [ID]: findingId },
        UpdateExpression: "SET #details = :details",
        ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#details)",
        ExpressionAttributeNames: { "#id": ID, "#details": DETAILS },
        ExpressionAttributeValues: { ":details": { [REMEDIATION]: value } },
      });
      if (whole) return true;
      if (!(await this.#readItem(findingId))) return false;
    }
    throw new StoreError(`finding ${findingId} changed ${MAX_ATTEMPTS} times while its remediation was being recorded; try again`);
  }

  /** A stored finding the run saw: lastSeenAt moved forward, or reopened when it had been resolved before the run. */
  async #sighted(id: string, seenIso: string, nowMs: number): Promise<Sighting> {
    const nowSeconds = Math.floor(nowMs / 1000);
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const seen = await this.#updateReturning(`recording that finding ${id} was seen again`, {
        Key: { [ID]: id },
        UpdateExpression: "SET #lastSeen = :seen",
        ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #status <> :resolved AND (attribute_not_exists(#lastSeen) OR #lastSeen < :seen)`,
        ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE, "#status": "status", "#lastSeen": LAST_SEEN },
        ExpressionAttributeValues: { ":now": nowSeconds, ":resolved": "resolved", ":seen": seenIso },
      });
      if (seen) return { kind: "seen", item: seen };

      const item = await this.#readItem(id);
      // Gone since putFindings found it (its retention ran out): the next run stores it anew.
      if (!item || isExpired(item, nowSeconds)) return { kind: "none" };
      // Not resolved, so a run at this instant or a newer one has seen it already.
      if (item.status !== "resolved") return { kind: "seen", item };
      // Resolved at or after this run's instant, by a newer run or a person: that stands.
      if ((resolvedAt(item) ?? "") >= seenIso) return { kind: "none" };

      const entry: HistoryEntry = { at: seenIso, actor: SYSTEM_ACTOR, action: "reopen", from: "resolved", to: "open", reason: `seen again in the posture run of ${seenIso}` };
      const guard = historyGuard(item);
      const reopened = await this.#updateReturning(`reopening finding ${id}`, {
        Key: { [ID]: id },
        UpdateExpression: "SET #status = :open, #statusKey = :open, #lastSeen = :seen, #history = list_append(if_not_exists(#history, :none), :entries) REMOVE #expiresAt, #until",
        ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #status = :resolved AND ${guard.text}`,
        ExpressionAttributeNames: {
          "#id": ID,
          "#expiresAt": EXPIRES_AT_ATTRIBUTE,
          "#status": "status",
          "#statusKey": KEY_ATTRIBUTES.status,
          "#lastSeen": LAST_SEEN,
          "#history": HISTORY_ATTRIBUTE,
          "#until": SUPPRESSED_UNTIL_ATTRIBUTE,
        },
        ExpressionAttributeValues: { ":now": nowSeconds, ":open": "open", ":resolved": "resolved", ":seen": seenIso, ":none": [], ":entries": [entry], ...guard.values },
      });
      if (reopened) return { kind: "reopened", item: reopened };
    }
    throw new StoreError(`finding ${id} changed ${MAX_ATTEMPTS} times while the posture run was recording it; try again`);
  }

  /**
   * Resolves a stored finding the run did not see, unless a run at or after this one's instant saw
   * it. `item` comes from the index, which may lag: a failed condition re-reads the item itself.
   */
  async #resolveUnseen(indexed: FindingItem, seenIso: string, nowMs: number): Promise<FindingItem | undefined> {
    const nowSeconds = Math.floor(nowMs / 1000);
    const id = indexed[ID] as string;
    let item: FindingItem | undefined = indexed;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (!item || isExpired(item, nowSeconds) || item.status === "resolved") return undefined;
      const lastSeen = typeof item[LAST_SEEN] === "string" ? (item[LAST_SEEN] as string) : undefined;
      if (lastSeen !== undefined && lastSeen >= seenIso) return undefined;

      const stored = item.status as FindingStatus;
      const storedUntil = item[SUPPRESSED_UNTIL_ATTRIBUTE] as string | undefined;
      const from = effectiveStatus(item, seenIso);
      const entry: HistoryEntry = { at: seenIso, actor: SYSTEM_ACTOR, action: "resolve", from, to: "resolved", reason: `not seen in the posture run of ${seenIso}` };
      // As transition does: a suppression that ran out is written as reopened at its expiry first.
      const entries = stored === "suppressed" && from === "open" ? [expiryEntry(storedUntil as string), entry] : [entry];
      const guard = historyGuard(item);
      const changed = await this.#updateReturning(`resolving finding ${id}`, {
        Key: { [ID]: id },
        UpdateExpression: "SET #status = :resolved, #statusKey = :resolved, #expiresAt = :expiresAt, #history = list_append(if_not_exists(#history, :none), :entries) REMOVE #until",
        ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #status = :stored AND ${guard.text} AND (attribute_not_exists(#lastSeen) OR #lastSeen < :seen)`,
        ExpressionAttributeNames: {
          "#id": ID,
          "#expiresAt": EXPIRES_AT_ATTRIBUTE,
          "#status": "status",
          "#statusKey": KEY_ATTRIBUTES.status,
          "#lastSeen": LAST_SEEN,
          "#history": HISTORY_ATTRIBUTE,
          "#until": SUPPRESSED_UNTIL_ATTRIBUTE,
        },
        ExpressionAttributeValues: {
          ":now": nowSeconds,
          ":resolved": "resolved",
          ":stored": stored,
          ":seen": seenIso,
          ":expiresAt": nowSeconds + this.#retentionSeconds,
          ":none": [],
          ":entries": entries,
          ...guard.values,
        },
      });
      if (changed) return changed;
      item = await this.#readItem(id);
    }
    throw new StoreError(`finding ${id} changed ${MAX_ATTEMPTS} times while the posture run was resolving it; try again`);
  }

  /** The live, unresolved findings of one check in one account: a Query of the byRule partition. */
  async #unresolvedOf(checkId: string, account: string, nowMs: number): Promise<FindingItem[]> {
    const items: FindingItem[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const output = await this.#send(`listing the stored findings of ${checkId}`, () =>
        this.#client.send(
          new QueryCommand({
            TableName: this.#tableName,
            IndexName: INDEX_NAMES.ruleId,
            KeyConditionExpression: "#rule = :rule",
            FilterExpression: `(${LIVE}) AND #account = :account AND #status <> :resolved`,
            ExpressionAttributeNames: { "#rule": KEY_ATTRIBUTES.ruleId, "#expiresAt": EXPIRES_AT_ATTRIBUTE, "#account": "account", "#status": "status" },
            ExpressionAttributeValues: { ":rule": checkId, ":now": Math.floor(nowMs / 1000), ":account": account, ":resolved": "resolved" },
            ...(startKey ? { ExclusiveStartKey: startKey } : {}),
          }),
        ),
      );
      items.push(...((output.Items ?? []) as FindingItem[]));
      startKey = output.LastEvaluatedKey;
    } while (startKey);
    return items;
  }

  /** The item after the update; undefined when the condition failed. */
  async #updateReturning(operation: string, input: Omit<UpdateCommandInput, "TableName" | "ReturnValues">): Promise<FindingItem | undefined> {
    try {
      const output = await this.#client.send(new UpdateCommand({ TableName: this.#tableName, ...input, ReturnValues: "ALL_NEW" }));
      return output.Attributes as FindingItem;
    } catch (error) {
      if (isConditionFailure(error)) return undefined;
      throw storeError(operation, this.#tableName, error);
    }
  }

  async #conditionalUpdate(operation: string, input: Omit<UpdateCommandInput, "TableName">): Promise<boolean> {
    try {
      await this.#client.send(new UpdateCommand({ TableName: this.#tableName, ...input }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError(operation, this.#tableName, error);
    }
  }

  async #readItem(id: string): Promise<FindingItem | undefined> {
    const output = await this.#send(`reading finding ${id}`, () => this.#client.send(new GetCommand({ TableName: this.#tableName, Key: { [ID]: id }, ConsistentRead: true })));
    return output.Item as FindingItem | undefined;
  }

  async #send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw storeError(operation, this.#tableName, error);
    }
  }
}

/** The run checked field by field (InvalidRequestError naming the field), as triage checks its requests. */
function checkRun(run: PostureRunSync): PostureRunSync {
  const { account, checkIds, findings, now } = (run ?? {}) as Partial<PostureRunSync>;
  if (typeof account !== "string" || !/^\d{12}$/.test(account)) throw new InvalidRequestError("account", `expected a 12-digit AWS account id, got ${JSON.stringify(account)}`);
  if (!Array.isArray(checkIds)) throw new InvalidRequestError("checkIds", "expected an array of check ids");
  checkIds.forEach((checkId, index) => {
    if (typeof checkId !== "string" || checkId === "") throw new InvalidRequestError(`checkIds.${index}`, "expected a check id");
  });
  if (!Array.isArray(findings)) throw new InvalidRequestError("findings", "expected an array of findings");
  findings.forEach((finding, index) => {
    const field = (name: string) => `findings.${index}${name ? `.${name}` : ""}`;
    if (finding === null || typeof finding !== "object") throw new InvalidRequestError(field(""), "expected a finding");
    for (const name of ["id", "ruleId"] as const) {
      if (typeof finding[name] !== "string" || finding[name] === "") throw new InvalidRequestError(field(name), "expected a non-empty string");
    }
    if (finding.account !== account) throw new InvalidRequestError(field("account"), `expected the run's account ${account}, got ${JSON.stringify(finding.account)}`);
    if (finding.eventId !== undefined) throw new InvalidRequestError(field("eventId"), "a posture finding has no eventId");
  });
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new InvalidRequestError("now", "expected a valid Date");
  return run;
}

/**
 * The item's status version: every status change appends one history entry, so the length of the
 * list read is what the write is conditioned on (an item from before the history has none).
 */
function historyGuard(item: FindingItem): { text: string; values: Record<string, unknown> } {
  const history = item[HISTORY_ATTRIBUTE];
  if (!Array.isArray(history)) return { text: "attribute_not_exists(#history)", values: {} };
  return { text: "size(#history) = :historyLength", values: { ":historyLength": history.length } };
}

/** When the finding was last resolved: its latest history entry leading to resolved. */
function resolvedAt(item: FindingItem): string | undefined {
  const history = item[HISTORY_ATTRIBUTE];
  if (!Array.isArray(history)) return undefined;
  for (let index = history.length - 1; index >= 0; index--) {
    const entry = history[index] as Partial<HistoryEntry> | undefined;
    if (entry?.to === "resolved" && typeof entry.at === "string") return entry.at;
  }
  return undefined;
}

import type { Finding } from "@vigil/core";
import { InvalidRequestError, StoreError } from "./errors.ts";
import { type FindingItem, fromItem, isExpired } from "./findingItem.ts";
import type { FindingsTable, TableClock } from "./FindingsTable.ts";
import type { FindingTriage } from "./FindingTriage.ts";
import type { FindingWriter } from "./FindingWriter.ts";
import { entriesFor, HISTORY_ATTRIBUTE, type HistoryEntry, SYSTEM_ACTOR } from "./history.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import type { Lease } from "./outbox.ts";
import { LIVE } from "./queryExpressions.ts";
import { expectedOf } from "./statusWrite.ts";
import { EXPIRES_AT_ATTRIBUTE, INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface PostureLifecycleOptions {
  table: FindingsTable;
  /** Creates the new findings (putFindings: conditional, with the outbox). */
  writer: FindingWriter;
  /** Resolves and reopens, with the same write as every other status change. */
  triage: FindingTriage;
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
  /**
   * Checks of `checkIds` that judged only some principals (Access Advisor is read for a few per run):
   * only their stored findings of these principals can be resolved.
   */
  judgedPrincipals?: Readonly<Record<string, readonly string[]>>;
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
 * Runs may overlap (a slow run, a retried one), so a run is judged at its own instant, not the
 * clock's. Resolve and reopen are status changes of FindingTriage, guarded by the finding's history
 * length (its status version) instead of its status alone, and resolve also by lastSeenAt: a run
 * resolves a finding only if no run at or after its own instant saw it, and reopens one only if it
 * was resolved before its instant. Whatever order overlapping runs land in, the newest observation
 * decides.
 */
export class PostureLifecycle {
  readonly #table: FindingsTable;
  readonly #writer: FindingWriter;
  readonly #triage: FindingTriage;
  readonly #concurrency: number;

  constructor(options: PostureLifecycleOptions) {
    const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new StoreError(`concurrency: expected a positive whole number, got ${concurrency}`);
    this.#table = options.table;
    this.#writer = options.writer;
    this.#triage = options.triage;
    this.#concurrency = concurrency;
  }

  /**
   * Brings the stored posture findings of `account` in line with one run. InvalidRequestError
   * (naming the field) for a malformed run, before anything is written.
   */
  async syncPostureRun(run: PostureRunSync): Promise<PostureSyncResult> {
    const { account, checkIds, findings, now } = checkRun(run);
    const clock = this.#table.clock(now);

    const { created, existing } = await this.#writer.putFindings(findings, run.claimFor ? { claimFor: run.claimFor } : {});
    const existingIds = [...new Set(existing)];
    const sightings = new Array<Sighting>(existingIds.length);
    await mapConcurrent(existingIds, this.#concurrency, async (id, index) => {
      sightings[index] = await this.#sighted(id, clock);
    });

    const result: PostureSyncResult = { created, seenAgain: [], stillOpen: [], resolved: [], reopened: [] };
    sightings.forEach((sighting, index) => {
      if (sighting.kind === "none") return;
      const finding = fromItem(sighting.item, clock.iso);
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
      const judged = run.judgedPrincipals?.[checkId];
      const scope = judged ? new Set(judged) : undefined;
      for (const item of await this.#unresolvedOf(checkId, account, clock)) {
        if (seenIds.has(item[ID] as string)) continue;
        if (scope && !scope.has(item.principal as string)) continue;
        candidates.push(item);
      }
    }
    const resolved = new Array<FindingItem | undefined>(candidates.length);
    await mapConcurrent(candidates, this.#concurrency, async (item, index) => {
      resolved[index] = await this.#resolveUnseen(item, clock);
    });
    for (const item of resolved) if (item) result.resolved.push(fromItem(item, clock.iso));
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
    const operation = `recording the remediation of ${findingId}`;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      // A nested path can be set only inside an existing map, so a finding without details gets the whole map.
      const nested = await this.#table.update(operation, {
        Key: { [ID]: findingId },
        UpdateExpression: "SET #details.#remediation = :record",
        ConditionExpression: "attribute_exists(#id) AND attribute_type(#details, :map)",
        ExpressionAttributeNames: { "#id": ID, "#details": DETAILS, "#remediation": REMEDIATION },
        ExpressionAttributeValues: { ":record": value, ":map": "M" },
      });
      if (nested) return true;
      const whole = await this.#table.update(operation, {
        Key: { [ID]: findingId },
        UpdateExpression: "SET #details = :details",
        ConditionExpression: "attribute_exists(#id) AND attribute_not_exists(#details)",
        ExpressionAttributeNames: { "#id": ID, "#details": DETAILS },
        ExpressionAttributeValues: { ":details": { [REMEDIATION]: value } },
      });
      if (whole) return true;
      if (!(await this.#table.readItem(findingId))) return false;
    }
    throw new StoreError(`finding ${findingId} changed ${MAX_ATTEMPTS} times while its remediation was being recorded; try again`);
  }

  /** A stored finding the run saw: lastSeenAt moved forward, or reopened when it had been resolved before the run. */
  async #sighted(id: string, clock: TableClock): Promise<Sighting> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const seen = await this.#table.updateReturning(`recording that finding ${id} was seen again`, {
        Key: { [ID]: id },
        UpdateExpression: "SET #lastSeen = :seen",
        ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #status <> :resolved AND (attribute_not_exists(#lastSeen) OR #lastSeen < :seen)`,
        ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE, "#status": "status", "#lastSeen": LAST_SEEN },
        ExpressionAttributeValues: { ":now": clock.seconds, ":resolved": "resolved", ":seen": clock.iso },
      });
      if (seen) return { kind: "seen", item: seen };

      const item = await this.#table.readItem(id);
      // Gone since putFindings found it (its retention ran out): the next run stores it anew.
      if (!item || isExpired(item, clock.seconds)) return { kind: "none" };
      // Not resolved, so a run at this instant or a newer one has seen it already.
      if (item.status !== "resolved") return { kind: "seen", item };
      // Resolved at or after this run's instant, by a newer run or a person: that stands.
      if ((resolvedAt(item) ?? "") >= clock.iso) return { kind: "none" };

      const entry: HistoryEntry = { at: clock.iso, actor: SYSTEM_ACTOR, action: "reopen", from: "resolved", to: "open", reason: `seen again in the posture run of ${clock.iso}` };
      const reopened = await this.#triage.write(id, { entry, expected: expectedOf(item, "history"), change: { to: "open", entries: [entry], lastSeenAt: clock.iso } }, clock);
      if (reopened) return { kind: "reopened", item: reopened };
    }
    throw new StoreError(`finding ${id} changed ${MAX_ATTEMPTS} times while the posture run was recording it; try again`);
  }

  /**
   * Resolves a stored finding the run did not see, unless a run at or after this one's instant saw
   * it. `indexed` comes from the index, which may lag: a failed condition re-reads the item itself.
   */
  async #resolveUnseen(indexed: FindingItem, clock: TableClock): Promise<FindingItem | undefined> {
    const outcome = await this.#triage.changeStatus(
      indexed[ID] as string,
      clock,
      (item, from) => {
        if (item.status === "resolved") return undefined;
        const lastSeen = typeof item[LAST_SEEN] === "string" ? (item[LAST_SEEN] as string) : undefined;
        if (lastSeen !== undefined && lastSeen >= clock.iso) return undefined;
        const entry: HistoryEntry = { at: clock.iso, actor: SYSTEM_ACTOR, action: "resolve", from, to: "resolved", reason: `not seen in the posture run of ${clock.iso}` };
        return { entry, expected: expectedOf(item, "history", clock.iso), change: { to: "resolved", entries: entriesFor(item, from, entry) } };
      },
      indexed,
    );
    return outcome?.changed ? outcome.item : undefined;
  }

  /** The live, unresolved findings of one check in one account: a Query of the byRule partition. */
  #unresolvedOf(checkId: string, account: string, clock: TableClock): Promise<FindingItem[]> {
    return this.#table.queryAll(`listing the stored findings of ${checkId}`, {
      IndexName: INDEX_NAMES.ruleId,
      KeyConditionExpression: "#rule = :rule",
      FilterExpression: `(${LIVE}) AND #account = :account AND #status <> :resolved`,
      ExpressionAttributeNames: { "#rule": KEY_ATTRIBUTES.ruleId, "#expiresAt": EXPIRES_AT_ATTRIBUTE, "#account": "account", "#status": "status" },
      ExpressionAttributeValues: { ":rule": checkId, ":now": clock.seconds, ":account": account, ":resolved": "resolved" },
    });
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
  for (const [checkId, principals] of Object.entries(run.judgedPrincipals ?? {})) {
    if (!checkIds.includes(checkId)) throw new InvalidRequestError(`judgedPrincipals.${checkId}`, "expected a check of checkIds");
    if (!Array.isArray(principals) || principals.some((principal) => typeof principal !== "string" || principal === "")) {
      throw new InvalidRequestError(`judgedPrincipals.${checkId}`, "expected an array of principal ARNs");
    }
  }
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

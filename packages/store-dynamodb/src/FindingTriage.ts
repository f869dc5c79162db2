import { FINDING_STATUSES, type Finding, type FindingStatus } from "@vigil/core";
import { FindingNotFoundError, InvalidRequestError, InvalidTransitionError, StoreError } from "./errors.ts";
import { type FindingItem, fromItem, isExpired } from "./findingItem.ts";
import type { FindingsTable, TableClock } from "./FindingsTable.ts";
import { effectiveStatus, entriesFor, expiryEntry, type HistoryEntry, SUPPRESSED_UNTIL_ATTRIBUTE, SYSTEM_ACTOR } from "./history.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import { filterExpression } from "./queryExpressions.ts";
import { type Expected, expectedOf, type StatusChange, statusWrite } from "./statusWrite.ts";
import { INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";
import { allowedActions, checkTransitionRequest, TRANSITIONS, type TransitionRequest, type TransitionResult } from "./triage.ts";

/** A change decided from the item as read, and how the write checks that the item is still so. */
export interface Decision {
  change: StatusChange;
  expected: Expected;
  /** What the change appended to the history (TransitionResult's entry). */
  entry: HistoryEntry;
}

/** What `changeStatus` did: the item as written, or as read when `decide` chose to change nothing. */
export type ChangeOutcome = { changed: true; item: FindingItem; entry: HistoryEntry } | { changed: false; item: FindingItem };

/** A status change re-reads and retries when another one lands between its read and its write; this many times at most. */
const MAX_CHANGE_ATTEMPTS = 5;

/**
 * Every change of a finding's status: triage by people (the state machine of triage.ts), Vigil's
 * own changes (setStatus, suppressions running out) and, through changeStatus, the posture
 * lifecycle's resolve and reopen. Each change and its history entry are one conditional
 * UpdateItem (statusWrite.ts), so two changes at once cannot both apply to the same state.
 */
export class FindingTriage {
  readonly #table: FindingsTable;

  constructor(table: FindingsTable) {
    this.#table = table;
  }

  /**
   * Triage: acknowledge, suppress, resolve or reopen a finding, as `actor`, conditioned on the status
   * read just before, so two people triaging at once cannot both move the same status (the second is
   * re-checked against the first's result). InvalidTransitionError when the status does not allow
   * the action, FindingNotFoundError when there is no finding, InvalidRequestError for a malformed
   * request. Resolving starts the retention clock, any other change stops it.
   */
  async transition(id: string, request: TransitionRequest): Promise<TransitionResult> {
    if (typeof id !== "string" || id === "") throw new InvalidRequestError("id", "expected a finding id");
    const clock = this.#table.clock();
    const checked = checkTransitionRequest(request, clock.ms);
    const rule = TRANSITIONS[checked.action];
    return this.#change(id, clock, (from) => {
      if (!rule.from.includes(from)) throw new InvalidTransitionError(id, from, checked.action, allowedActions(from));
      const entry: HistoryEntry = {
        at: clock.iso,
        actor: checked.actor,
        action: checked.action,
        from,
        to: rule.to,
        ...(checked.reason === undefined ? {} : { reason: checked.reason }),
        ...(checked.until === undefined ? {} : { until: checked.until }),
      };
      return { entry, to: rule.to, ...(checked.until === undefined ? {} : { until: checked.until }) };
    });
  }

  /**
   * Sets the status outside the triage state machine (any status to any), recorded in the history
   * as a "set-status" by "vigil". Resolving starts the retention clock; any other status stops it.
   * Undefined when there is no such (unexpired) finding.
   */
  async setStatus(id: string, status: FindingStatus): Promise<Finding | undefined> {
    if (!(FINDING_STATUSES as readonly unknown[]).includes(status)) throw new InvalidRequestError("status", `expected one of ${FINDING_STATUSES.join(", ")}, got ${JSON.stringify(status)}`);
    const clock = this.#table.clock();
    try {
      const result = await this.#change(id, clock, (from) => ({ entry: { at: clock.iso, actor: SYSTEM_ACTOR, action: "set-status", from, to: status }, to: status }));
      return result.finding;
    } catch (error) {
      if (error instanceof FindingNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Writes down the suppressions whose expiry has passed: each becomes open, with a "reopen" entry
   * by "vigil" at its expiry. Reads see an expired suppression as open already; this moves it to
   * the open status partition. A Query of the suppressed partition, never a Scan, and no read of the
   * items: run it on a schedule. Returns the ids it reopened.
   */
  async reopenExpiredSuppressions(): Promise<string[]> {
    const clock = this.#table.clock();
    const filter = filterExpression([{ kind: "suppression", expired: true }], clock);
    const items = await this.#table.queryAll("listing expired suppressions", {
      IndexName: INDEX_NAMES.status,
      KeyConditionExpression: "#pk = :pk",
      FilterExpression: filter.text,
      ProjectionExpression: "#id, #until",
      ExpressionAttributeNames: { "#pk": KEY_ATTRIBUTES.status, "#id": KEY_ATTRIBUTES.id, ...filter.names },
      ExpressionAttributeValues: { ":pk": "suppressed", ...filter.values },
    });
    const reopened = new Array<boolean>(items.length).fill(false);
    await mapConcurrent(items, this.#table.concurrency, async (item, index) => {
      const until = item[SUPPRESSED_UNTIL_ATTRIBUTE] as string;
      // Conditioned on the very suppression read: one renewed or triaged meanwhile is left alone.
      const write = statusWrite(item.id, { to: "open", entries: [expiryEntry(until)] }, { by: "status", status: "suppressed", until }, clock, this.#table);
      reopened[index] = await this.#table.update(`reopening the expired suppression of ${item.id}`, write);
    });
    return items.filter((_, index) => reopened[index]).map((item) => item.id);
  }

  /**
   * Reads the finding (or starts from `read`, an item already at hand), lets `decide` choose the
   * change from the item and its status in effect at `clock` (or nothing, or throw), and writes it
   * conditioned on what `decide` expected. When another change landed in between, it reads again
   * and decides anew. Undefined when there is no (unexpired) finding.
   */
  async changeStatus(id: string, clock: TableClock, decide: (item: FindingItem, from: FindingStatus) => Decision | undefined, read?: FindingItem): Promise<ChangeOutcome | undefined> {
    let item = read;
    for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt++) {
      item ??= await this.#table.readItem(id, "reading a finding");
      if (!item || isExpired(item, clock.seconds)) return undefined;
      const decision = decide(item, effectiveStatus(item, clock.iso));
      if (!decision) return { changed: false, item };
      const written = await this.write(id, decision, clock);
      if (written) return { changed: true, item: written, entry: decision.entry };
      item = undefined;
    }
    throw new StoreError(`finding ${id} changed ${MAX_CHANGE_ATTEMPTS} times while its status was being changed; try again`);
  }

  /** Writes one decided change, once: the item as written, or undefined when it is no longer as `decision` expected. */
  write(id: string, decision: Decision, clock: TableClock): Promise<FindingItem | undefined> {
    return this.#table.updateReturning(`changing the status of finding ${id}`, statusWrite(id, decision.change, decision.expected, clock, this.#table));
  }

  /** A change by a person or by setStatus, decided from the status in effect and conditioned on the status read. */
  async #change(id: string, clock: TableClock, decide: (from: FindingStatus) => { entry: HistoryEntry; to: FindingStatus; until?: string }): Promise<TransitionResult> {
    const outcome = await this.changeStatus(id, clock, (item, from) => {
      const { entry, to, until } = decide(from);
      return { entry, expected: expectedOf(item, "status"), change: { to, entries: entriesFor(item, from, entry), ...(until === undefined ? {} : { until }) } };
    });
    if (!outcome?.changed) throw new FindingNotFoundError(id);
    return { finding: fromItem(outcome.item, clock.iso), entry: outcome.entry };
  }
}


import type { Finding } from "@vigil/core";
import { ExportLeaseLostError, StoreError } from "./errors.ts";
import { EXPORT_ATTRIBUTES, EXPORT_SINKS, type ExportSink, exportedAttribute, PENDING_EXPORT } from "./exportState.ts";
import { fromItem } from "./findingItem.ts";
import type { FindingsTable } from "./FindingsTable.ts";
import { HISTORY_ATTRIBUTE, type HistoryEntry, storedHistory } from "./history.ts";
import { checkLease, checkOwner, dueBound, dueKey, errorMessage, type Lease } from "./outbox.ts";
import { LIVE } from "./queryExpressions.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES, PENDING_EXPORT_INDEX } from "./tableDefinition.ts";

/** A claimed finding as the export sweep sends it: its state now, its stored history and what each sink has of it. */
export interface ExportClaim {
  finding: Finding;
  /** The stored status history, oldest first: `revision` entries. */
  history: HistoryEntry[];
  /** The finding's status version: the number of stored history entries. */
  revision: number;
  /** The revision each sink last exported; 0 when it has none. */
  exported: Record<ExportSink, number>;
}

export type ExportClaimResult = ExportClaim | "busy" | "missing";

/** "done": every sink has the revision, and the finding left the pending index. "pending": due again at once. */
export type ExportRelease = "done" | "pending";

const MAX_PENDING_LIMIT = 1000;
const ID = KEY_ATTRIBUTES.id;
const PENDING = KEY_ATTRIBUTES.pendingExport;
const DUE = KEY_ATTRIBUTES.exportDue;

/**
 * The export outbox (exportState.ts): lists the findings with a change some sink has not exported,
 * leases them to one sweep at a time, records per sink the revision sent, and lets a finding leave
 * the pending index only when every sink has its latest revision. A change made while the sweep
 * holds the lease keeps the finding pending, so it is sent on the next sweep: never lost, and never
 * sent before the older state it follows.
 */
export class ExportOutbox {
  readonly #table: FindingsTable;
  readonly #sinks: readonly ExportSink[];

  /** `sinks`: where this deployment exports; a finding is in step when all of them have its revision. */
  constructor(table: FindingsTable, sinks: readonly ExportSink[]) {
    if (sinks.length === 0) throw new StoreError("sinks: expected at least one export sink");
    for (const sink of sinks) if (!(EXPORT_SINKS as readonly string[]).includes(sink)) throw new StoreError(`sinks: unknown export sink ${JSON.stringify(sink)}`);
    this.#table = table;
    this.#sinks = [...new Set(sinks)];
  }

  /** Ids of the findings with a pending export due now (free, or their lease ended), the longest due first: a Query of the sparse index. */
  async listPendingExports(limit = 100): Promise<string[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PENDING_LIMIT) throw new StoreError(`limit: expected a whole number from 1 to ${MAX_PENDING_LIMIT}, got ${String(limit)}`);
    const clock = this.#table.clock();
    const items = await this.#table.queryAll(
      "listing findings pending export",
      {
        IndexName: PENDING_EXPORT_INDEX,
        KeyConditionExpression: "#pending = :export AND #due < :bound",
        ExpressionAttributeNames: { "#pending": PENDING, "#due": DUE, "#id": ID },
        ExpressionAttributeValues: { ":export": PENDING_EXPORT, ":bound": dueBound(clock.ms) },
        ProjectionExpression: "#id",
      },
      limit,
    );
    return items.map((item) => item.id);
  }

  /**
   * Takes the export lease of a pending finding and returns it as it stands: a conditional update
   * that succeeds only while the finding is stored, unexpired, pending and nobody else's lease runs.
   * "busy" when another sweep holds it; "missing" when it is gone or no longer pending.
   */
  async claimExport(findingId: string, lease: Lease): Promise<ExportClaimResult> {
    checkOwner(findingId, "findingId");
    const clock = this.#table.clock();
    checkLease(lease, clock.ms);
    const until = clock.ms + lease.leaseMs;
    const item = await this.#table.updateReturning(`claiming the export of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: "SET #owner = :owner, #until = :until, #attempts = if_not_exists(#attempts, :zero) + :one, #due = :due",
      ConditionExpression: `attribute_exists(#id) AND (${LIVE}) AND #pending = :export AND (attribute_not_exists(#until) OR #until <= :nowMs)`,
      ExpressionAttributeNames: {
        "#id": ID,
        "#expiresAt": EXPIRES_AT_ATTRIBUTE,
        "#pending": PENDING,
        "#due": DUE,
        "#owner": EXPORT_ATTRIBUTES.leaseOwner,
        "#until": EXPORT_ATTRIBUTES.leaseUntil,
        "#attempts": EXPORT_ATTRIBUTES.attempts,
      },
      ExpressionAttributeValues: {
        ":now": clock.seconds,
        ":nowMs": clock.ms,
        ":export": PENDING_EXPORT,
        ":owner": lease.owner,
        ":until": until,
        ":due": dueKey(until, findingId),
        ":zero": 0,
        ":one": 1,
      },
    });
    if (item) {
      const history = storedHistory(item);
      const exported = Object.fromEntries(EXPORT_SINKS.map((sink) => [sink, typeof item[exportedAttribute(sink)] === "number" ? (item[exportedAttribute(sink)] as number) : 0])) as Record<ExportSink, number>;
      return { finding: fromItem(item, clock.iso), history, revision: history.length, exported };
    }
    // The failed condition does not say which part failed, so read it.
    const stored = await this.#table.readItem(findingId, `reading the export state of ${findingId}`);
    const live = stored && !(typeof stored[EXPIRES_AT_ATTRIBUTE] === "number" && (stored[EXPIRES_AT_ATTRIBUTE] as number) <= clock.seconds);
    return live && stored[PENDING] === PENDING_EXPORT ? "busy" : "missing";
  }

  /**
   * Records that `sink` has the finding at `revision`. Never moves a sink back (a later revision
   * recorded stays). ExportLeaseLostError when `owner` no longer holds the lease: another sweep took
   * the finding after this one's lease ran out, and its record is the one that counts.
   */
  async markExported(findingId: string, sink: ExportSink, revision: number, owner: string): Promise<void> {
    checkOwner(findingId, "findingId");
    checkOwner(owner);
    if (!this.#sinks.includes(sink)) throw new StoreError(`sink: ${JSON.stringify(sink)} is not one this outbox exports to`);
    if (!Number.isInteger(revision) || revision < 0) throw new StoreError(`revision: expected a whole number, got ${String(revision)}`);
    const marked = await this.#table.update(`recording the ${sink} export of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: "SET #exported = :revision",
      ConditionExpression: "#owner = :owner AND (attribute_not_exists(#exported) OR #exported <= :revision)",
      ExpressionAttributeNames: { "#owner": EXPORT_ATTRIBUTES.leaseOwner, "#exported": exportedAttribute(sink) },
      ExpressionAttributeValues: { ":owner": owner, ":revision": revision },
    });
    if (!marked) throw new ExportLeaseLostError(findingId, owner);
  }

  /**
   * Gives the lease back. When every sink has `revision` and the finding has changed no further, it
   * leaves the pending index ("done"); otherwise it is due again at once, with the error kept when
   * there was one ("pending"). ExportLeaseLostError when `owner` no longer held the lease.
   */
  async releaseExport(findingId: string, owner: string, revision: number, error?: unknown): Promise<ExportRelease> {
    checkOwner(findingId, "findingId");
    checkOwner(owner);
    const names: Record<string, string> = {
      "#owner": EXPORT_ATTRIBUTES.leaseOwner,
      "#until": EXPORT_ATTRIBUTES.leaseUntil,
      "#pending": PENDING,
      "#due": DUE,
      "#history": HISTORY_ATTRIBUTE,
    };
    const values: Record<string, unknown> = { ":owner": owner, ":revision": revision };
    const inStep = this.#sinks.map((sink, index) => {
      names[`#sink${index}`] = exportedAttribute(sink);
      return `#sink${index} >= :revision`;
    });
    const unchanged = revision === 0 ? "attribute_not_exists(#history)" : "size(#history) = :revision";
    if (error === undefined) {
      const done = await this.#table.update(`completing the export of ${findingId}`, {
        Key: { [ID]: findingId },
        UpdateExpression: "REMOVE #pending, #due, #owner, #until",
        ConditionExpression: ["#owner = :owner", unchanged, ...inStep].join(" AND "),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      });
      if (done) return "done";
    }
    const released = await this.#table.update(`releasing the export of ${findingId}`, {
      Key: { [ID]: findingId },
      UpdateExpression: `SET #due = :due${error === undefined ? "" : ", #lastError = :error"} REMOVE #owner, #until`,
      ConditionExpression: "#owner = :owner",
      ExpressionAttributeNames: { "#owner": names["#owner"] as string, "#until": names["#until"] as string, "#due": DUE, ...(error === undefined ? {} : { "#lastError": EXPORT_ATTRIBUTES.lastError }) },
      ExpressionAttributeValues: { ":owner": owner, ":due": dueKey(this.#table.clock().ms, findingId), ...(error === undefined ? {} : { ":error": errorMessage(error) }) },
    });
    if (!released) throw new ExportLeaseLostError(findingId, owner);
    return "pending";
  }
}

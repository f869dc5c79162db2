import type { FindingStatus } from "@vigil/core";
import type { FindingItem } from "./findingItem.ts";
import { pendingExportAttributes } from "./exportState.ts";
import type { FindingsTable, TableClock, TableUpdate } from "./FindingsTable.ts";
import { HISTORY_ATTRIBUTE, type HistoryEntry, SUPPRESSED_UNTIL_ATTRIBUTE } from "./history.ts";
import { LIVE } from "./queryExpressions.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

/** What a status change writes: the new status, the history it appends and what else moves with it. */
export interface StatusChange {
  to: FindingStatus;
  /** Appended to the history in this order (see entriesFor). */
  entries: readonly HistoryEntry[];
  /** The new suppression's expiry; any other change removes the old one. */
  until?: string;
  /** A posture run's instant, kept as the finding's lastSeenAt. */
  lastSeenAt?: string;
}

/**
 * What the item must still be for the change to apply: the state it was decided from. Triage
 * compares the status and the suppression expiry; the posture lifecycle, which must not undo what
 * a newer run saw, compares the history's length (each status change appends one entry, so it is
 * the item's status version) and requires that no run at or after its own saw the finding.
 */
export type Expected =
  | { by: "status"; status: FindingStatus; until: string | undefined }
  | { by: "history"; status: FindingStatus; historyLength: number | undefined; seenBefore?: string };

const LAST_SEEN = "lastSeenAt";

/**
 * The one UpdateItem every status change is written with: status and its index key, the history
 * appended, the suppression expiry set or removed, the retention clock started on resolve and
 * stopped otherwise, the change marked for export when the table exports; conditioned on the
 * finding being there, unexpired and as expected.
 */
export function statusWrite(id: string, change: StatusChange, expected: Expected, clock: TableClock, table: Pick<FindingsTable, "retentionSeconds" | "exportChanges">): TableUpdate {
  const names: Record<string, string> = {
    "#id": KEY_ATTRIBUTES.id,
    "#status": "status",
    "#statusKey": KEY_ATTRIBUTES.status,
    "#history": HISTORY_ATTRIBUTE,
    "#until": SUPPRESSED_UNTIL_ATTRIBUTE,
    "#expiresAt": EXPIRES_AT_ATTRIBUTE,
  };
  const values: Record<string, unknown> = { ":to": change.to, ":none": [], ":entries": [...change.entries], ":now": clock.seconds, ":stored": expected.status };
  const set = ["#status = :to", "#statusKey = :to", "#history = list_append(if_not_exists(#history, :none), :entries)"];
  const remove: string[] = [];
  if (change.until === undefined) remove.push("#until");
  else {
    set.push("#until = :newUntil");
    values[":newUntil"] = change.until;
  }
  if (change.to === "resolved") {
    set.push("#expiresAt = :expiresAt");
    values[":expiresAt"] = clock.seconds + table.retentionSeconds;
  } else remove.push("#expiresAt");
  if (change.lastSeenAt !== undefined) {
    names["#lastSeen"] = LAST_SEEN;
    set.push("#lastSeen = :seen");
    values[":seen"] = change.lastSeenAt;
  }

  if (table.exportChanges) {
    Object.entries(pendingExportAttributes(id, clock.ms)).forEach(([name, value], index) => {
      names[`#export${index}`] = name;
      values[`:export${index}`] = value;
      set.push(`#export${index} = :export${index}`);
    });
  }

  const conditions = ["attribute_exists(#id)", `(${LIVE})`, "#status = :stored"];
  if (expected.by === "status") {
    if (expected.until === undefined) conditions.push("attribute_not_exists(#until)");
    else {
      conditions.push("#until = :storedUntil");
      values[":storedUntil"] = expected.until;
    }
  } else {
    if (expected.historyLength === undefined) conditions.push("attribute_not_exists(#history)");
    else {
      conditions.push("size(#history) = :historyLength");
      values[":historyLength"] = expected.historyLength;
    }
    if (expected.seenBefore !== undefined) {
      names["#lastSeen"] = LAST_SEEN;
      conditions.push("(attribute_not_exists(#lastSeen) OR #lastSeen < :seenBefore)");
      values[":seenBefore"] = expected.seenBefore;
    }
  }
  return {
    Key: { [KEY_ATTRIBUTES.id]: id },
    UpdateExpression: `SET ${set.join(", ")} REMOVE ${remove.join(", ")}`,
    ConditionExpression: conditions.join(" AND "),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The expectation of a change decided from `item` as read, compared the way `by` says. */
export function expectedOf(item: FindingItem, by: Expected["by"], seenBefore?: string): Expected {
  const status = item.status as FindingStatus;
  if (by === "status") return { by, status, until: item[SUPPRESSED_UNTIL_ATTRIBUTE] as string | undefined };
  const history = item[HISTORY_ATTRIBUTE];
  return { by, status, historyLength: Array.isArray(history) ? history.length : undefined, ...(seenBefore === undefined ? {} : { seenBefore }) };
}

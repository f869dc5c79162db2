import { VigilError } from "@vigil/core";

/** Base class of every error the findings store raises; `cause` carries the SDK or LevelDB error behind it. */
export class StoreError extends VigilError {}

/** A `listFindings` query that asks for no or several access patterns at once, or a limit out of range. */
export class InvalidQueryError extends StoreError {}

/**
 * A cursor that was altered, signed with another key, or made by a different query. Safe to show a
 * caller: it says only that the cursor is unusable, never what it held.
 */
export class InvalidCursorError extends StoreError {
  constructor(options?: { cause?: unknown }) {
    super("the cursor is not valid for this query; start again without one", options);
  }
}

/** The table exists but does not have the design this package expects (an index is missing). */
export class TableMismatchError extends StoreError {
  readonly tableName: string;
  constructor(tableName: string, message: string, options?: { cause?: unknown }) {
    super(`table ${tableName}: ${message}`, options);
    this.tableName = tableName;
  }
}

/** Another process (or another store in this one) already has the on-disk store at `path` open. */
export class StoreLockedError extends StoreError {
  readonly path: string;
  constructor(path: string, options?: { cause?: unknown }) {
    super(`${path} is already open in another process (only one may use an on-disk store at a time)`, options);
    this.path = path;
  }
}

/**
 * `completeDelivery` by an owner that no longer holds the lease: it expired and another owner
 * claimed it (or the finding is gone). The other owner may send too; see the README on the crash window.
 */
export class DeliveryLeaseLostError extends StoreError {
  readonly findingId: string;
  readonly channel: string;
  readonly owner: string;
  constructor(findingId: string, channel: string, owner: string, options?: { cause?: unknown }) {
    super(`finding ${findingId}: ${owner} no longer holds the ${channel} delivery lease`, options);
    this.findingId = findingId;
    this.channel = channel;
    this.owner = owner;
  }
}

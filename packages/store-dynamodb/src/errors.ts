import { VigilError } from "@vigil/core";

/** Base class of every error the findings store raises; `cause` carries the SDK or LevelDB error behind it. */
export class StoreError extends VigilError {}

/**
 * Input the store refuses before touching the table (the API answers 400); `parameter` names the
 * offending field and starts the message.
 */
export class InvalidRequestError extends StoreError {
  readonly parameter: string;
  constructor(parameter: string, message: string, options?: { cause?: unknown }) {
    super(`${parameter}: ${message}`, options);
    this.parameter = parameter;
  }
}

/** A `listFindings` query with an unknown parameter, a malformed filter or time, or a limit out of range. */
export class InvalidQueryError extends InvalidRequestError {}

/** No such finding, or one past its retention (the API answers 404). */
export class FindingNotFoundError extends StoreError {
  readonly findingId: string;
  constructor(findingId: string, options?: { cause?: unknown }) {
    super(`finding ${findingId} does not exist`, options);
    this.findingId = findingId;
  }
}

/** A triage action the finding's current status does not allow, e.g. acknowledging a resolved finding (the API answers 409). */
export class InvalidTransitionError extends StoreError {
  readonly findingId: string;
  readonly from: string;
  readonly action: string;
  constructor(findingId: string, from: string, action: string, allowed: readonly string[], options?: { cause?: unknown }) {
    super(`cannot ${action} finding ${findingId}: it is ${from} (allowed from ${from}: ${allowed.length > 0 ? allowed.join(", ") : "none"})`, options);
    this.findingId = findingId;
    this.from = from;
    this.action = action;
  }
}

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

/** The export sweep's lease on a finding ran out and another sweep took it: this one's record must not count. */
export class ExportLeaseLostError extends StoreError {
  readonly findingId: string;
  readonly owner: string;
  constructor(findingId: string, owner: string, options?: { cause?: unknown }) {
    super(`finding ${findingId}: ${owner} no longer holds the export lease`, options);
    this.findingId = findingId;
    this.owner = owner;
  }
}

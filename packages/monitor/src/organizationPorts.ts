import type { AccountReader, KeyRemediator } from "./ports.ts";

/**
 * What the organization posture run needs of each account and of its own past; the function gives
 * it aws-iam's AuditRoleAccess and accountHandle, and the state table's PostureReadLog.
 */

/** One account ready to be read and remediated with its own clients (aws-iam's AccountHandle). */
export interface OpenedAccount extends AccountReader, KeyRemediator {
  /** Frees the account's clients once its run is done. */
  close(): void;
}

/** Opens the member accounts, through the audit role each holds; throws AccountAccessError when it cannot. */
export interface MemberAccountAccess {
  open(account: string): Promise<OpenedAccount>;
}

/**
 * When each account's read last started, so that a run that runs out of time starts the next one
 * with the accounts it did not reach (oldest first). Kept in the state table.
 */
export interface AccountReadLog {
  /** ISO instants by account id; empty before the first run. */
  load(): Promise<Record<string, string>>;
  /** Merges these in; for each account the later instant wins, so an older run never moves one back. */
  record(startedAt: Record<string, string>): Promise<void>;
}

import { VigilError } from "@vigil/core";

/**
 * Why an account of the organization could not be read, for the digest and the metrics:
 * - `role-unavailable`: sts:AssumeRole was refused: the audit role is missing (the StackSet has not
 *   reached the account) or its trust policy does not name this function's role.
 * - `region-disabled`: STS is not activated in the run's region for the account.
 * - `throttled`: AWS still throttled after the retries.
 * - `reads-denied`: the role was assumed but every read was refused (its permissions are not the spoke's).
 * - `failed`: anything else, named in the detail.
 */
export type AccountAccessReason = "role-unavailable" | "region-disabled" | "throttled" | "reads-denied" | "failed";

/** An account Vigil could not read at all: nothing of it was checked and none of its findings change. */
export class AccountAccessError extends VigilError {
  readonly account: string;
  readonly reason: AccountAccessReason;
  constructor(account: string, reason: AccountAccessReason, detail: string, options?: { cause?: unknown }) {
    super(`account ${account}: ${detail}`, options);
    this.account = account;
    this.reason = reason;
  }
}

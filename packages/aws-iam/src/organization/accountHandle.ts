import type { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { RemediationAction } from "@vigil/core";
import { type DeactivateOldAccessKeysOptions, deactivateOldAccessKeys } from "../posture/deactivateOldAccessKeys.ts";
import { type AccountSnapshotRead, type ReadAccountSnapshotOptions, readAccountSnapshot } from "../posture/readAccountSnapshot.ts";
import { AccountAccessError } from "./AccountAccessError.ts";

/** The clients that read one account (and, with remediation on, change its keys). */
export interface AccountClients {
  iam: IAMClient;
  cloudTrail: CloudTrailClient;
}

/** One account, ready to be read and remediated with its own clients; close() when done with it. */
export interface AccountHandle {
  account: string;
  /**
   * The account's snapshot. A part that fails is a problem of the read, as in readAccountSnapshot;
   * but when no part at all could be read the account was not read, and that is an error.
   *
   * @throws AccountAccessError when nothing of the account could be read.
   */
  read(): Promise<AccountSnapshotRead>;
  deactivateOldAccessKeys(options: Omit<DeactivateOldAccessKeysOptions, "iam" | "sleep">): Promise<RemediationAction[]>;
  close(): void;
}

export interface AccountHandleOptions {
  account: string;
  region: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Access Advisor's cap and wait for this account's read (readAccountSnapshot's defaults when absent). */
  accessAdvisor?: ReadAccountSnapshotOptions["accessAdvisor"];
  /** Calls made to get the clients (sts:AssumeRole), counted with the read's. */
  calls?: Record<string, number>;
  /** Destroys the clients; the home account's long-lived clients are never closed. */
  close?: () => void;
}

/** An account read through `clients`: the home account with the function's own, a member through its audit role. */
export function accountHandle(clients: AccountClients, options: AccountHandleOptions): AccountHandle {
  const { account, region, sleep, now } = options;
  const timing = { ...(sleep ? { sleep } : {}), ...(now ? { now } : {}), ...(options.accessAdvisor ? { accessAdvisor: options.accessAdvisor } : {}) };
  return {
    account,
    async read() {
      const read = await readAccountSnapshot({ ...clients, account, region, ...timing });
      for (const [operation, count] of Object.entries(options.calls ?? {})) read.calls[operation] = (read.calls[operation] ?? 0) + count;
      const failure = nothingRead(account, read);
      if (failure) throw failure;
      return read;
    },
    deactivateOldAccessKeys: (remediation) => deactivateOldAccessKeys({ iam: clients.iam, ...remediation, ...(sleep ? { sleep } : {}) }),
    close: options.close ?? (() => {}),
  };
}

const DENIED = new Set(["AccessDenied", "AccessDeniedException"]);
const THROTTLED = new Set(["Throttling", "ThrottlingException"]);

/** Why nothing of the account could be read, when no part was; undefined when something was. */
function nothingRead(account: string, read: AccountSnapshotRead): AccountAccessError | undefined {
  if (Object.keys(read.snapshot).some((key) => key !== "account" && key !== "region")) return undefined;
  const codes = read.problems.map((problem) => problem.code);
  const errors = read.problems.map((problem) => `${problem.part}: ${problem.error}`).join("; ");
  if (codes.length > 0 && codes.every((code) => code !== undefined && DENIED.has(code))) {
    return new AccountAccessError(account, "reads-denied", `the audit role was assumed but every read was refused; its permissions are not the spoke stack's (${errors})`);
  }
  if (codes.some((code) => code !== undefined && THROTTLED.has(code))) return new AccountAccessError(account, "throttled", `AWS was still throttling after the retries (${errors})`);
  return new AccountAccessError(account, "failed", `no part of the account could be read (${errors})`);
}

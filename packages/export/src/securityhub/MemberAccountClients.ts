import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import type { STSClient } from "@aws-sdk/client-sts";
import { InvalidInputError, partitionOf } from "@vigil/core";
import { SecurityHubAccessError } from "../errors.ts";
import { callFailure } from "./callFailure.ts";
import { AwsCallError, defaultSleep } from "@vigil/aws-iam";
import { type AssumedRoleIdentity, assumeRole } from "../assumedRoleCredentials.ts";
import type { SecurityHubClients } from "./SecurityHubClients.ts";

export interface MemberAccountClientsOptions {
  /** The account this deployment runs in, whose findings its own client imports. */
  account: string;
  client: SecurityHubClient;
  /** The caller's STS, which assumes the members' import role. */
  sts: STSClient;
  /** The role every member account holds for the import (deployed by the organization's StackSet). */
  roleName: string;
  /** The Security Hub region, and the partition of the role ARNs. */
  region: string;
  /** Builds a member's client from its credentials; an SDK client in `region` by default. */
  clientOf?: (credentials: AssumedRoleIdentity, region: string) => SecurityHubClient;
  /** Shows in the member account's CloudTrail as who imported. */
  sessionName?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Attempts of a throttled AssumeRole. */
  maxAttempts?: number;
}

export const IMPORT_SESSION_NAME = "vigil-securityhub";
/** STS's shortest session: an import takes seconds, and the client is replaced before it runs out. */
export const IMPORT_SESSION_SECONDS = 900;
/** A cached member client is replaced this long before its credentials expire, so no call starts with credentials about to lapse. */
export const CREDENTIALS_MARGIN_MS = 60_000;

const defaultClientOf = (credentials: AssumedRoleIdentity, region: string) => new SecurityHubClient({ region, credentials });

/**
 * Organization mode: the deployment's own account imports through its own client, every other
 * account through `arn:<partition>:iam::<account>:role/<roleName>`, assumed once and its client
 * kept until a minute before the credentials expire.
 */
export class MemberAccountClients implements SecurityHubClients {
  readonly #options: MemberAccountClientsOptions;
  readonly #cached = new Map<string, { client: SecurityHubClient; replaceAt: number }>();
  /** Assumptions in flight, so concurrent imports of one account assume its role once. */
  readonly #assuming = new Map<string, Promise<SecurityHubClient>>();

  constructor(options: MemberAccountClientsOptions) {
    if (!/^[\w+=,.@-]{1,64}$/.test(options.roleName)) throw new InvalidInputError(`must be an IAM role name, got ${JSON.stringify(options.roleName)}`, "roleName");
    this.#options = options;
  }

  roleArn(account: string): string {
    return `arn:${partitionOf(this.#options.region)}:iam::${account}:role/${this.#options.roleName}`;
  }

  /** @throws SecurityHubAccessError when the account id is malformed or its role cannot be assumed. */
  async clientFor(account: string, calls: Record<string, number> = {}): Promise<SecurityHubClient> {
    if (account === this.#options.account) return this.#options.client;
    if (!/^\d{12}$/.test(account)) throw new SecurityHubAccessError(account, "failed", "not a 12-digit AWS account id");
    const cached = this.#cached.get(account);
    if (cached && this.#now() < cached.replaceAt) return cached.client;
    const pending = this.#assuming.get(account) ?? this.#assume(account, calls).finally(() => this.#assuming.delete(account));
    this.#assuming.set(account, pending);
    return pending;
  }

  async #assume(account: string, calls: Record<string, number>): Promise<SecurityHubClient> {
    const { sts, sessionName, region, sleep, maxAttempts } = this.#options;
    const roleArn = this.roleArn(account);
    let credentials: AssumedRoleIdentity;
    try {
      credentials = await assumeRole(
        { sts, roleArn, sessionName: sessionName ?? IMPORT_SESSION_NAME, durationSeconds: IMPORT_SESSION_SECONDS },
        { calls, sleep: sleep ?? defaultSleep, maxAttempts: maxAttempts ?? 4 },
      );
    } catch (error) {
      throw refusal(account, roleArn, error);
    }
    const client = (this.#options.clientOf ?? defaultClientOf)(credentials, region);
    this.#cached.set(account, { client, replaceAt: credentials.expiration.getTime() - CREDENTIALS_MARGIN_MS });
    return client;
  }

  #now(): number {
    return (this.#options.now ?? Date.now)();
  }
}

/** The AssumeRole failure in words, for the security team to fix in the right account. */
function refusal(account: string, roleArn: string, error: unknown): SecurityHubAccessError {
  const code = error instanceof AwsCallError ? error.code : undefined;
  const detail = callFailure(error);
  if (code === "AccessDenied" || code === "AccessDeniedException") {
    return new SecurityHubAccessError(
      account,
      "role-unavailable",
      `the Security Hub import role ${roleArn} is missing in the account (the organization's StackSet has not reached it) or does not trust this account, so its findings cannot be imported (${detail})`,
      { cause: error },
    );
  }
  return new SecurityHubAccessError(account, "failed", `the Security Hub import role ${roleArn} could not be assumed (${detail})`, { cause: error });
}

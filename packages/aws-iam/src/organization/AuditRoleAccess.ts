import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { InvalidInputError } from "@vigil/core";
import { AwsCallError, awsCall, type CallContext, defaultSleep } from "../posture/awsCall.ts";
import { partitionOf } from "../posture/readAccountSnapshot.ts";
import { AccountAccessError } from "./AccountAccessError.ts";
import { type AccountClients, type AccountHandle, type AccountHandleOptions, accountHandle } from "./accountHandle.ts";

/** Credentials of an assumed audit role, as the SDK clients take them. */
export interface AuditCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

export interface AuditRoleAccessOptions {
  /** The caller's STS: the posture function's role, or the CLI user's credentials. */
  sts: STSClient;
  /** The role every account holds for Vigil (the spoke's VigilAudit). */
  roleName: string;
  /** Where CloudTrail is read and STS answers. */
  region: string;
  /** Builds an account's clients from its credentials; SDK clients in `region` by default (the function wraps them for tracing). */
  clients?: (credentials: AuditCredentials, region: string) => AccountClients;
  /** Shows in the member account's CloudTrail as who read it. */
  sessionName?: string;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Access Advisor's cap and wait for each member account's read. */
  accessAdvisor?: AccountHandleOptions["accessAdvisor"];
}

export const AUDIT_SESSION_NAME = "vigil-posture";
/**
 * STS's shortest session. Each account's role is assumed just before it is read, and a read (the
 * credential report's two minutes, the throttle backoffs) is far shorter; Lambda stops at 15 minutes anyway.
 */
export const AUDIT_SESSION_SECONDS = 900;

const defaultClients = (credentials: AuditCredentials, region: string): AccountClients => ({
  iam: new IAMClient({ region, credentials }),
  cloudTrail: new CloudTrailClient({ region, credentials }),
});

/**
 * Reaches the member accounts of the organization through their audit role: AssumeRole into
 * `arn:<partition>:iam::<account>:role/<roleName>`, then IAM and CloudTrail clients with those
 * credentials. A refusal is said in words (AccountAccessError), so the digest can tell the
 * security team what to fix in which account.
 */
export class AuditRoleAccess {
  readonly #options: AuditRoleAccessOptions;

  constructor(options: AuditRoleAccessOptions) {
    if (!/^[\w+=,.@-]{1,64}$/.test(options.roleName)) throw new InvalidInputError(`must be an IAM role name, got ${JSON.stringify(options.roleName)}`, "roleName");
    this.#options = options;
  }

  roleArn(account: string): string {
    return `arn:${partitionOf(this.#options.region)}:iam::${account}:role/${this.#options.roleName}`;
  }

  /** @throws AccountAccessError when the role cannot be assumed; InvalidInputError for a malformed account id. */
  async open(account: string): Promise<AccountHandle> {
    if (!/^\d{12}$/.test(account)) throw new InvalidInputError(`must be a 12-digit AWS account id, got ${JSON.stringify(account)}`, "account");
    const { sts, region, sleep, now } = this.#options;
    const context: CallContext = { calls: {}, sleep: sleep ?? defaultSleep };
    const credentials = await this.#assume(account, context);
    const clients = (this.#options.clients ?? defaultClients)(credentials, region);
    return accountHandle(clients, {
      account,
      region,
      calls: context.calls,
      ...(sleep ? { sleep } : {}),
      ...(now ? { now } : {}),
      ...(this.#options.accessAdvisor ? { accessAdvisor: this.#options.accessAdvisor } : {}),
      close: () => {
        clients.iam.destroy();
        clients.cloudTrail.destroy();
      },
    });
  }

  async #assume(account: string, context: CallContext): Promise<AuditCredentials> {
    const roleArn = this.roleArn(account);
    let output;
    try {
      output = await awsCall(context, "sts:AssumeRole", () =>
        this.#options.sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: this.#options.sessionName ?? AUDIT_SESSION_NAME, DurationSeconds: AUDIT_SESSION_SECONDS })),
      );
    } catch (error) {
      throw refusal(account, roleArn, this.#options.region, error);
    }
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) {
      throw new AccountAccessError(account, "failed", `sts:AssumeRole of ${roleArn} answered without complete Credentials`);
    }
    return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Expiration };
  }
}

/** The AssumeRole failure in words. */
function refusal(account: string, roleArn: string, region: string, error: unknown): AccountAccessError {
  const code = error instanceof AwsCallError ? error.code : undefined;
  const detail = error instanceof Error ? error.message : String(error);
  switch (code) {
    case "AccessDenied":
    case "AccessDeniedException":
      return new AccountAccessError(
        account,
        "role-unavailable",
        `the audit role ${roleArn} could not be assumed: it is missing (the StackSet has not reached the account) or its trust policy does not allow Vigil (${detail})`,
        { cause: error },
      );
    case "RegionDisabledException":
      return new AccountAccessError(account, "region-disabled", `STS is not activated in ${region} for the account; activate it in IAM's account settings (${detail})`, { cause: error });
    case "Throttling":
    case "ThrottlingException":
      return new AccountAccessError(account, "throttled", `STS was still throttling after the retries (${detail})`, { cause: error });
    default:
      return new AccountAccessError(account, "failed", `the audit role ${roleArn} could not be assumed (${detail})`, { cause: error });
  }
}

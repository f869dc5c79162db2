import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { AwsCallError, awsCall, type CallContext, defaultSleep } from "@vigil/aws-iam";

export interface AssumedRoleOptions {
  sts: STSClient;
  roleArn: string;
  /** The external id the role's trust policy requires (Security Lake's custom source provider role has one). */
  externalId?: string;
  /** Shows in the role's account's CloudTrail as who acts. */
  sessionName: string;
  /** Seconds the credentials last; an hour unless said. */
  durationSeconds?: number;
}

/** The credentials of an assumed role, as an SDK client's `credentials` takes them. */
export interface AssumedRoleIdentity {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: Date;
}

/**
 * Assumes a role through awsCall (counted in `context`, retried while STS throttles).
 *
 * @throws AwsCallError when STS refuses, or answers without complete credentials.
 */
export async function assumeRole(options: AssumedRoleOptions, context: CallContext): Promise<AssumedRoleIdentity> {
  const output = await awsCall(context, "sts:AssumeRole", () =>
    options.sts.send(
      new AssumeRoleCommand({
        RoleArn: options.roleArn,
        RoleSessionName: options.sessionName,
        DurationSeconds: options.durationSeconds ?? 3600,
        ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
      }),
    ),
  );
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
  if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) throw new AwsCallError("sts:AssumeRole", `${options.roleArn}: the answer carried no complete Credentials`);
  return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Expiration };
}

/**
 * A credentials provider for SDK clients that act as another role: Security Lake gives each custom
 * source a provider role to assume, and its bucket lets in that role only. The SDK calls it again
 * when the credentials near their expiration.
 */
export function assumedRoleCredentials(options: AssumedRoleOptions): () => Promise<AssumedRoleIdentity> {
  return () => assumeRole(options, { calls: {}, sleep: defaultSleep });
}

import { AssumeRoleCommand, type STSClient } from "@aws-sdk/client-sts";
import { AwsCallError } from "@vigil/aws-iam";

export interface AssumedRoleOptions {
  sts: STSClient;
  roleArn: string;
  /** The external id the role's trust policy requires (Security Lake's custom source provider role has one). */
  externalId?: string;
  /** Shows in the role's account's CloudTrail as who wrote. */
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
 * A credentials provider for SDK clients that writes as another role: Security Lake gives each custom
 * source a provider role to assume, and its bucket lets in that role only. The SDK calls it again
 * when the credentials near their expiration. An AssumeRole refusal is an AwsCallError naming the role.
 */
export function assumedRoleCredentials(options: AssumedRoleOptions): () => Promise<AssumedRoleIdentity> {
  return async () => {
    let output;
    try {
      output = await options.sts.send(
        new AssumeRoleCommand({
          RoleArn: options.roleArn,
          RoleSessionName: options.sessionName,
          DurationSeconds: options.durationSeconds ?? 3600,
          ...(options.externalId === undefined ? {} : { ExternalId: options.externalId }),
        }),
      );
    } catch (error) {
      const code = error instanceof Error ? error.name : undefined;
      throw new AwsCallError("sts:AssumeRole", `${options.roleArn} could not be assumed: ${error instanceof Error ? error.message : String(error)}`, { ...(code ? { code } : {}), cause: error });
    }
    const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = output.Credentials ?? {};
    if (!AccessKeyId || !SecretAccessKey || !SessionToken || !Expiration) throw new AwsCallError("sts:AssumeRole", `${options.roleArn}: the answer carried no complete Credentials`);
    return { accessKeyId: AccessKeyId, secretAccessKey: SecretAccessKey, sessionToken: SessionToken, expiration: Expiration };
  };
}

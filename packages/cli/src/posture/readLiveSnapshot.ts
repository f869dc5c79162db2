import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { type AccountSnapshotRead, readAccountSnapshot } from "@vigil/aws-iam";
import { VigilError } from "@vigil/core";
import { UsageError } from "../errors.ts";

/** The account could not be read at all: no identity, or not one part of the snapshot. */
export class AccountReadError extends VigilError {}

/**
 * Reads the account the caller's credentials belong to (the SDK's default chain), as the scheduled
 * run does: STS names the account, then IAM (global) and CloudTrail in `region` are read.
 *
 * @throws UsageError when no region is configured.
 * @throws AccountReadError when STS cannot name the account or no part of the account could be read.
 */
export async function readLiveSnapshot(region: string | undefined): Promise<AccountSnapshotRead> {
  const cloudTrail = new CloudTrailClient(region ? { region } : {});
  const resolved = await configuredRegion(cloudTrail);
  const iam = new IAMClient({ region: resolved });
  const sts = new STSClient({ region: resolved });
  try {
    const account = await callerAccount(sts);
    const read = await readAccountSnapshot({ iam, cloudTrail, account, region: resolved });
    if (Object.keys(read.snapshot).every((key) => key === "account" || key === "region")) {
      throw new AccountReadError(`could not read any part of account ${account}: ${read.problems.map((problem) => problem.error).join("; ")}`);
    }
    return read;
  } finally {
    for (const client of [cloudTrail, iam, sts]) client.destroy();
  }
}

/** The region the SDK's configuration names. @throws UsageError when none does. */
export async function configuredRegion(client: CloudTrailClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    throw new UsageError("no AWS region configured; pass --region or set AWS_REGION");
  }
}

/** The account the caller's credentials belong to. @throws AccountReadError when STS cannot say. */
export async function callerAccount(sts: STSClient): Promise<string> {
  let account: string | undefined;
  try {
    account = (await sts.send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw new AccountReadError(`cannot tell which account the credentials are for: sts:GetCallerIdentity: ${(error as Error).message}`, { cause: error });
  }
  if (!account) throw new AccountReadError("sts:GetCallerIdentity answered no Account");
  return account;
}

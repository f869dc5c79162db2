import { IAMClient } from "@aws-sdk/client-iam";
import { STSClient } from "@aws-sdk/client-sts";
import { type CallContext, defaultSleep, readAuthorizationDetails } from "@vigil/aws-iam";
import { AccountReadError, callerAccount } from "../posture/readLiveSnapshot.ts";
import type { PoliciesRead } from "./PoliciesRead.ts";

/** IAM is global; its endpoint answers from us-east-1 whatever Region the caller's configuration names. */
const IAM_REGION = "us-east-1";

/** The caller's account's authorization details, read live. @throws AccountReadError when they cannot be read. */
export async function readLivePolicies(): Promise<PoliciesRead> {
  const iam = new IAMClient({ region: IAM_REGION });
  const sts = new STSClient({ region: IAM_REGION });
  try {
    const account = await callerAccount(sts);
    const context: CallContext = { calls: {}, sleep: defaultSleep };
    try {
      return { details: await readAuthorizationDetails(iam, context), source: `account ${account} (read live)` };
    } catch (error) {
      throw new AccountReadError(`cannot read the policies of account ${account}: ${(error as Error).message}`, { cause: error });
    }
  } finally {
    iam.destroy();
    sts.destroy();
  }
}

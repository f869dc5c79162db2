import { readAuthorizationDetailsFile } from "../posture/readAuthorizationDetailsFile.ts";
import type { PoliciesRead } from "./PoliciesRead.ts";

/** `--policies live`: the account's details read with the caller's credentials instead of a file. */
export const LIVE_POLICIES = "live";

/**
 * The account's policies for `--policies`: the file `aws iam get-account-authorization-details`
 * wrote, or `live`, read with the SDK's default credentials (GetAccountAuthorizationDetails, every
 * page, retried while IAM throttles). Where the details come from ends here: the report is made
 * from an AuthorizationDetails however read.
 *
 * @throws PostureInputError for a file that is not the AWS CLI's output (exit 2).
 * @throws AccountReadError when the live read fails.
 */
export async function readPolicies(option: string): Promise<PoliciesRead> {
  if (option !== LIVE_POLICIES) return { details: await readAuthorizationDetailsFile(option), source: option };
  // Imported only for a live read: the IAM and STS clients are a load the file case should not pay.
  const { readLivePolicies } = await import("./readLivePolicies.ts");
  return readLivePolicies();
}

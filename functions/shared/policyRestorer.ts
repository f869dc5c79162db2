import { IAMClient } from "@aws-sdk/client-iam";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { PolicyFetchError, restoreOmittedPolicy } from "@vigil/aws-iam";
import { omittedPolicyLookup } from "@vigil/core";
import type { PolicyRestorer } from "@vigil/monitor";
import { tracer } from "./observability.ts";

// Imported dynamically by evaluate the first time an event omits its policy document: a bundle
// split into chunks loads the IAM client only then, not at every cold start.
const client = tracer.captureAWSv3Client(new IAMClient({}));
const sts = tracer.captureAWSv3Client(new STSClient({}));

/**
 * The account whose IAM the client reads: the one the function's credentials belong to. Asked once
 * per container; a failed answer is asked again by the next event rather than remembered.
 */
let ownAccount: Promise<string> | undefined;
function credentialsAccount(): Promise<string> {
  ownAccount ??= sts.send(new GetCallerIdentityCommand({})).then(({ Account }) => {
    if (!Account) throw new Error("sts:GetCallerIdentity answered no Account");
    return Account;
  });
  ownAccount.catch(() => {
    ownAccount = undefined;
  });
  return ownAccount;
}

/**
 * Restores what CloudTrail omitted only for events of the function's own account. In organization
 * mode events of member accounts arrive too, and the function holds no credentials there: asking
 * its own IAM would fail or, for inline policies named by user, group or role name, return another
 * entity's policy of the same name. Such an event keeps its omitted document, so
 * policy-document-omitted reports it, with the reason logged.
 */
export const restorePolicy: PolicyRestorer = async (event) => {
  const lookup = omittedPolicyLookup(event);
  if (!lookup) return { event, fetched: false };
  let account: string;
  try {
    account = await credentialsAccount();
  } catch (error) {
    return { event, fetched: false, lookup, error: new PolicyFetchError(lookup, "Failed", `cannot tell which account the function's credentials read: ${(error as Error).message}`, { cause: error }) };
  }
  if (lookup.account !== account) {
    return { event, fetched: false, lookup, error: new PolicyFetchError(lookup, "OtherAccount", `the policy is in account ${lookup.account}; this function reads IAM of account ${account} only`) };
  }
  return restoreOmittedPolicy(client, event);
};

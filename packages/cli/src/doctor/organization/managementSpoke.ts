import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { couldNotCheck } from "../awsError.ts";
import { type Check, check } from "../Check.ts";
import type { ClientFactory, Credentials } from "../clients.ts";
import { HOME_REGION } from "../homeRegion.ts";
import { describeStack, judgeStackStatus } from "../stackStatus.ts";
import { spokeName } from "./spokeStackSet.ts";

export interface ManagementSpokeInput {
  stage: string;
  regions: readonly string[];
  managementAccountId: string;
  /** The caller's own account: when it is the management account, its credentials will do. */
  callerAccount: string;
  /** A profile of the management account (--management-profile) and its credentials. */
  profile: { name: string; credentials: Credentials } | undefined;
  /** How the user ran the doctor, to print the exact command that checks the rest. */
  rerun: string;
}

/**
 * The management account's own spoke, a plain stack per region (a service-managed StackSet never
 * deploys to the management account). Reading it needs that account's credentials: the caller's
 * when they are the management account's, else those of --management-profile, checked with STS
 * first so a profile of the wrong account is named as such rather than reported as a missing stack.
 */
export async function checkManagementSpoke(client: ClientFactory, input: ManagementSpokeInput): Promise<Check[]> {
  const name = spokeName(input.stage);
  const subject = (region: string) => `${name} in management account ${input.managementAccountId}, ${region}`;
  let credentials: Credentials | undefined;
  if (input.callerAccount !== input.managementAccountId) {
    if (!input.profile) {
      return [
        check(
          "Organization",
          "unchecked",
          `${name} in management account ${input.managementAccountId}`,
          `could not check: your credentials are for account ${input.callerAccount}, and only the management account can read its own stacks`,
          `run: ${input.rerun} --management-profile <a profile of account ${input.managementAccountId}>`,
        ),
      ];
    }
    credentials = input.profile.credentials;
    try {
      const { Account } = await client("sts", HOME_REGION, credentials).send(new GetCallerIdentityCommand({}));
      if (Account !== input.managementAccountId) {
        return [check("Organization", "unchecked", `profile ${input.profile.name}`, `could not check the management spoke: the profile is for account ${Account}, not the management account ${input.managementAccountId}`, "pass --management-profile a profile of the management account")];
      }
    } catch (error) {
      const { detail } = couldNotCheck(`sts:GetCallerIdentity with profile ${input.profile.name}`, error);
      return [check("Organization", "unchecked", `profile ${input.profile.name}`, detail, `sign in to the profile (aws sso login --profile ${input.profile.name}) or pass another`)];
    }
  }
  return Promise.all(
    input.regions.map(async (region) => {
      const deploy = "deploy the management account's spoke stack as the README's organization mode section says";
      try {
        const stack = await describeStack(client("cloudFormation", region, credentials), name);
        if (!stack) return check("Organization", "problem", subject(region), "absent: the management account's events in this region are not forwarded", deploy);
        const judged = judgeStackStatus(stack, region, deploy);
        return check("Organization", judged.status, subject(region), judged.detail, judged.action);
      } catch (error) {
        const { detail, action } = couldNotCheck("cloudformation:DescribeStacks", error);
        return check("Organization", "unchecked", subject(region), detail, action);
      }
    }),
  );
}

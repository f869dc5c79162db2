import { GetCallerIdentityCommand } from "@aws-sdk/client-sts";
import { VigilError } from "@vigil/core";
import { describeError } from "./awsError.ts";
import { type Check, check } from "./Check.ts";
import type { ClientFactory, Credentials } from "./clients.ts";
import type { DoctorConfig } from "./doctorConfig.ts";
import { checkEmailSubscriptions } from "./emailSubscriptions.ts";
import { HOME_REGION } from "./homeRegion.ts";
import { checkHomeStacks } from "./homeStacks.ts";
import { checkOrganization } from "./organization/checkOrganization.ts";
import { checkSlackParameter } from "./slackParameter.ts";

/** The credentials name no account: nothing can be checked, so the doctor fails (exit 3) instead of reporting. */
export class CallerUnknownError extends VigilError {}

export interface DoctorRun {
  stage: string;
  config: DoctorConfig;
  organization: boolean;
  managementProfile: { name: string; credentials: Credentials } | undefined;
  memberRole: string | undefined;
  sample: number;
  random: () => number;
  /** The command line to extend in "run: ..." advice. */
  rerun: string;
}

export interface DoctorReport {
  stage: string;
  account: string;
  config: string;
  checks: Check[];
}

/**
 * Every check of a deployment, read-only, with the caller's credentials: the stacks first (the
 * Monitor's outputs name the topics and the posture role), then notifications and the organization.
 *
 * @throws CallerUnknownError when sts:GetCallerIdentity fails.
 */
export async function runDoctor(client: ClientFactory, run: DoctorRun): Promise<DoctorReport> {
  let account: string | undefined;
  try {
    account = (await client("sts", HOME_REGION).send(new GetCallerIdentityCommand({}))).Account;
  } catch (error) {
    throw new CallerUnknownError(`cannot tell which account the credentials are for: sts:GetCallerIdentity: ${describeError(error)}`, { cause: error });
  }
  if (!account) throw new CallerUnknownError("sts:GetCallerIdentity answered no Account");

  const stacks = await checkHomeStacks(client, run.stage, run.config.forwarderRegions);
  const outputs = stacks.outputs;
  const topics = [
    { label: "findings topic", key: "FindingsTopicArn" },
    { label: "ops topic", key: "OpsTopicArn" },
  ];
  const notifications = async (): Promise<Check[]> => {
    const checks = await Promise.all(
      topics.map(({ label, key }) => {
        const arn = outputs?.[key];
        if (arn) return checkEmailSubscriptions(client, { label, arn });
        const why = outputs ? `the Monitor stack has no ${key} output` : "the Monitor stack's outputs are unavailable (see Stacks)";
        return [check("Notifications", "unchecked", label, `could not check: ${why}`)];
      }),
    );
    if (run.config.slackParameter) checks.push([await checkSlackParameter(client, run.config.slackParameter)]);
    return checks.flat();
  };
  const regions = [HOME_REGION, ...run.config.forwarderRegions];
  const [notificationChecks, organizationChecks] = await Promise.all([
    notifications(),
    run.organization
      ? checkOrganization(client, { ...run, regions, callerAccount: account, monitorOutputs: outputs })
      : Promise.resolve([] as Check[]),
  ]);
  return { stage: run.stage, account, config: run.config.source, checks: [...stacks.checks, ...notificationChecks, ...organizationChecks] };
}

import { type CallAs, DescribeStackSetCommand, paginateListStackInstances, type StackInstanceSummary } from "@aws-sdk/client-cloudformation";
import { couldNotCheck, errorName } from "../awsError.ts";
import { type Check, check } from "../Check.ts";
import type { ClientFactory } from "../clients.ts";
import { HOME_REGION } from "../homeRegion.ts";
import type { MemberAccount } from "./organizationFacts.ts";

export const spokeName = (stage: string) => `vigil-${stage}-spoke`;

export interface SpokeStackSetInput {
  stage: string;
  /** The home region and the forwarder regions: every member account needs a spoke instance in each. */
  regions: readonly string[];
  /** SELF from the management account, DELEGATED_ADMIN from the security account. */
  callAs: CallAs;
  /** ACTIVE accounts, or undefined when they could not be listed (then only the instances there are are judged). */
  accounts: readonly MemberAccount[] | undefined;
  /** Never a StackSet target: it gets a plain stack instead. */
  managementAccountId: string | undefined;
}

/**
 * The spoke StackSet exists, and every ACTIVE member account has a current instance in every
 * region. One line per account that falls short, naming the missing regions and failed instances
 * with CloudFormation's reason; one line for all the healthy ones, so a large organization stays readable.
 */
export async function checkSpokeStackSet(client: ClientFactory, input: SpokeStackSetInput): Promise<Check[]> {
  const name = spokeName(input.stage);
  const subject = `StackSet ${name}`;
  const cloudFormation = client("cloudFormation", HOME_REGION);
  const checks: Check[] = [];
  try {
    const { StackSet } = await cloudFormation.send(new DescribeStackSetCommand({ StackSetName: name, CallAs: input.callAs }));
    if (StackSet?.Status !== "ACTIVE") return [check("Organization", "problem", subject, `${StackSet?.Status ?? "no status"}: it deploys nothing`, "deploy the spoke StackSet again")];
    const autoDeploy = StackSet.AutoDeployment?.Enabled !== false;
    const regions = StackSet.Regions ?? [];
    checks.push(check("Organization", "ok", subject, `ACTIVE in ${HOME_REGION}${regions.length ? `, deploying to ${regions.join(", ")}` : ""}`));
    if (!autoDeploy) {
      checks.push(check("Organization", "warning", subject, "automatic deployment is off: accounts that join the organization later get no spoke", `aws cloudformation update-stack-set --stack-set-name ${name} --call-as ${input.callAs} --use-previous-template --auto-deployment Enabled=true,RetainStacksOnAccountRemoval=false`));
    }
  } catch (error) {
    if (errorName(error) === "StackSetNotFoundException") {
      return [check("Organization", "problem", subject, `absent (looked up with CallAs ${input.callAs}): no member account is watched`, "deploy the spoke StackSet as the README's organization mode section says")];
    }
    const { detail, action } = couldNotCheck("cloudformation:DescribeStackSet", error);
    return [check("Organization", "unchecked", subject, detail, delegatedAdminHint(error, action))];
  }

  const instances: StackInstanceSummary[] = [];
  try {
    for await (const page of paginateListStackInstances({ client: cloudFormation }, { StackSetName: name, CallAs: input.callAs })) instances.push(...(page.Summaries ?? []));
  } catch (error) {
    const { detail, action } = couldNotCheck("cloudformation:ListStackInstances", error);
    return [...checks, check("Organization", "unchecked", `instances of ${name}`, detail, delegatedAdminHint(error, action))];
  }
  return [...checks, ...judgeInstances(name, input, instances)];
}

function judgeInstances(name: string, input: SpokeStackSetInput, instances: readonly StackInstanceSummary[]): Check[] {
  const byAccount = new Map<string, Map<string, StackInstanceSummary>>();
  for (const instance of instances) {
    if (!instance.Account || !instance.Region) continue;
    const regions = byAccount.get(instance.Account) ?? new Map<string, StackInstanceSummary>();
    regions.set(instance.Region, instance);
    byAccount.set(instance.Account, regions);
  }
  // Without the account list, the accounts that have instances are all the doctor can judge.
  const accounts = input.accounts ?? [...byAccount.keys()].sort().map((id) => ({ id, name: "" }));
  const members = accounts.filter((account) => account.id !== input.managementAccountId);
  const checks: Check[] = [];
  let healthy = 0;
  for (const account of members) {
    const regions = byAccount.get(account.id) ?? new Map<string, StackInstanceSummary>();
    const missing = input.regions.filter((region) => !regions.has(region));
    const failed: string[] = [];
    const failedRegions: string[] = [];
    const running: string[] = [];
    let unit: string | undefined;
    for (const region of input.regions) {
      const instance = regions.get(region);
      if (!instance) continue;
      unit ??= instance.OrganizationalUnitId;
      const detailed = instance.StackInstanceStatus?.DetailedStatus;
      if (instance.Status === "CURRENT") continue;
      const reason = instance.StatusReason ? `: ${instance.StatusReason}` : "";
      if (detailed === "PENDING" || detailed === "RUNNING") running.push(`${region} (${detailed})`);
      else {
        failed.push(`${instance.Status}${detailed && detailed !== instance.Status ? `/${detailed}` : ""} in ${region}${reason}`);
        failedRegions.push(region);
      }
    }
    const subject = `account ${account.id}${account.name ? ` (${account.name})` : ""}`;
    if (missing.length === 0 && failed.length === 0 && running.length === 0) {
      healthy++;
      continue;
    }
    if (missing.length || failed.length) {
      const parts = [...(missing.length ? [`no spoke in ${missing.join(", ")}`] : []), ...failed];
      const actions = [
        ...(missing.length
          ? [`add it (or its OU) to the StackSet's deployment targets: aws cloudformation create-stack-instances --stack-set-name ${name} --call-as ${input.callAs} --deployment-targets OrganizationalUnitIds=<its OU> --regions ${missing.join(" ")}`]
          : []),
        ...(failed.length
          ? [
              `fix the cause named, then: aws cloudformation update-stack-instances --stack-set-name ${name} --call-as ${input.callAs} --deployment-targets OrganizationalUnitIds=${unit ?? "<its OU>"},Accounts=${account.id},AccountFilterType=INTERSECTION --regions ${failedRegions.join(" ")}`,
            ]
          : []),
      ];
      checks.push(check("Organization", "problem", subject, parts.join("; "), actions.join("; ")));
    } else {
      checks.push(check("Organization", "warning", subject, `a StackSet operation is under way in ${running.join(", ")}`, "run vigil doctor again when it has finished"));
    }
  }
  // The healthy accounts share one line, true of them alone; each account that falls short has its own.
  if (healthy > 0) {
    const scope = input.accounts ? "" : " (of the accounts that have instances: the organization's accounts could not be listed)";
    checks.unshift(check("Organization", "ok", `instances of ${name}`, `${healthy} of ${members.length} member account${members.length === 1 ? "" : "s"} have a current spoke in all ${input.regions.length} regions${scope}`));
  }
  return checks;
}

/** From the security account, a StackSet call fails this way until the management account registers it. */
function delegatedAdminHint(error: unknown, action: string): string {
  if (errorName(error) === "ValidationError" && /delegated admin/i.test((error as Error).message ?? "")) {
    return "from the management account: aws organizations register-delegated-administrator --service-principal member.org.stacksets.cloudformation.amazonaws.com --account-id <security account>";
  }
  return action;
}

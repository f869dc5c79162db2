import { HOME_REGION } from "./homeRegion.ts";
import { couldNotCheck } from "./awsError.ts";
import { type Check, check } from "./Check.ts";
import type { ClientFactory } from "./clients.ts";
import { describeStack, judgeStackStatus } from "./stackStatus.ts";

export const monitorStackName = (stage: string) => `${stage}-vigil-Monitor`;
export const forwarderStackName = (stage: string) => `${stage}-vigil-Forwarder`;

export interface HomeStacks {
  checks: Check[];
  /** The Monitor stack's outputs (FindingsTopicArn, ...) when it is there and usable, else undefined. */
  outputs: Record<string, string> | undefined;
}

/** The Monitor stack in the home region and a Forwarder in each forwarder region, present and healthy. */
export async function checkHomeStacks(client: ClientFactory, stage: string, forwarderRegions: readonly string[]): Promise<HomeStacks> {
  const wanted = [
    { name: monitorStackName(stage), region: HOME_REGION, deploy: `npx sst deploy --stage ${stage}` },
    ...forwarderRegions.map((region) => ({ name: forwarderStackName(stage), region, deploy: `npx sst deploy --stage ${stage} --region ${region}` })),
  ];
  let outputs: Record<string, string> | undefined;
  const checks = await Promise.all(
    wanted.map(async ({ name, region, deploy }) => {
      const subject = `${name} in ${region}`;
      try {
        const stack = await describeStack(client("cloudFormation", region), name);
        if (!stack) return check("Stacks", "problem", subject, "absent", `deploy it: ${deploy}`);
        const judged = judgeStackStatus(stack, region, deploy);
        // An update rolled back still runs its previous version, whose outputs are worth checking.
        if (region === HOME_REGION && (judged.status !== "problem" || stack.StackStatus === "UPDATE_ROLLBACK_COMPLETE")) {
          outputs = Object.fromEntries((stack.Outputs ?? []).flatMap((output) => (output.OutputKey && output.OutputValue ? [[output.OutputKey, output.OutputValue]] : [])));
        }
        return check("Stacks", judged.status, subject, judged.detail, judged.action);
      } catch (error) {
        const { detail, action } = couldNotCheck("cloudformation:DescribeStacks", error);
        return check("Stacks", "unchecked", subject, detail, action);
      }
    }),
  );
  return { checks, outputs };
}

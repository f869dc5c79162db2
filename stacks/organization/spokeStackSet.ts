import { Stack } from "aws-cdk-lib";
import { CfnStackSet } from "aws-cdk-lib/aws-cloudformation";
import type { IRole } from "aws-cdk-lib/aws-iam";
import type { Construct } from "constructs";
import { HOME_REGION } from "../home.ts";
import type { OrganizationStageSettings, StageConfig } from "../stageConfig.ts";
import { spokeStackName } from "./names.ts";
import { EXPORT_ROLE_PARAMETER, POSTURE_ROLE_PARAMETER } from "./spokeStack.ts";
import { synthesizeSpokeTemplate } from "./spokeTemplate.ts";

/**
 * The spoke in every account of the deployment targets, in the home region and each forwarder
 * region, kept there by CloudFormation: accounts that join a target OU get it, accounts that leave
 * lose it. With Security Hub on, the export sweep's role is the spokes' second parameter. Service-managed, so no role is needed in the member accounts beforehand; from a
 * delegated administrator (the usual security account) unless this is the management account.
 *
 * The home account is left out: its own Monitor and Forwarder stacks already route its events
 * (a spoke there would forward its home bus to itself), and the posture run reads it with its own
 * role. StackSets never deploy to the management account: the README's organization section
 * covers it with a plain stack of the same template.
 */
export function createSpokeStackSet(scope: Construct, config: StageConfig, organization: OrganizationStageSettings, postureRole: IRole, exportRole?: IRole): CfnStackSet {
  const stack = Stack.of(scope);
  return new CfnStackSet(scope, "SpokeStackSet", {
    stackSetName: spokeStackName(config.stage),
    description: `Vigil ${config.stage}: forwards each account's CloudTrail events to this account and holds the posture audit role`,
    permissionModel: "SERVICE_MANAGED",
    callAs: stack.account === organization.managementAccountId ? "SELF" : "DELEGATED_ADMIN",
    autoDeployment: { enabled: true, retainStacksOnAccountRemoval: false },
    capabilities: ["CAPABILITY_NAMED_IAM"],
    // CloudFormation queues operations on the StackSet rather than failing one that overlaps another.
    managedExecution: { Active: true },
    operationPreferences: {
      regionConcurrencyType: "PARALLEL",
      // A few accounts failing (one with an SCP in the way) must not stop the rest of the organization.
      concurrencyMode: "SOFT_FAILURE_TOLERANCE",
      maxConcurrentPercentage: 25,
      failureTolerancePercentage: 10,
    },
    parameters: [
      { parameterKey: POSTURE_ROLE_PARAMETER, parameterValue: postureRole.roleArn },
      ...(exportRole ? [{ parameterKey: EXPORT_ROLE_PARAMETER, parameterValue: exportRole.roleArn }] : []),
    ],
    stackInstancesGroup: [
      {
        deploymentTargets: { organizationalUnitIds: [...organization.deploymentTargets], accounts: [stack.account], accountFilterType: "DIFFERENCE" },
        regions: [HOME_REGION, ...config.forwarderRegions],
      },
    ],
    templateBody: JSON.stringify(synthesizeSpokeTemplate(config, organization)),
  });
}

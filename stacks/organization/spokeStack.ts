import { App, ArnFormat, Aws, CfnCondition, CfnParameter, DefaultStackSynthesizer, Fn, Stack } from "aws-cdk-lib";
import type { CfnAlarm } from "aws-cdk-lib/aws-cloudwatch";
import { EventBus } from "aws-cdk-lib/aws-events";
import { ArnPrincipal, type CfnRole, PolicyDocument, PolicyStatement, Role } from "aws-cdk-lib/aws-iam";
import { Topic } from "aws-cdk-lib/aws-sns";
import { patternsFor } from "../cloudTrailRules.ts";
import { forwardToHomeBus } from "../forwarding.ts";
import { HOME_REGION } from "../home.ts";
import { accountReadStatements } from "../monitor/postureFunction.ts";
import type { OrganizationStageSettings, StageConfig } from "../stageConfig.ts";
import { opsTopicName, securityHubImportRoleName, spokeAlarmPrefix, spokeStackName } from "./names.ts";

/** The spoke's parameter: the StackSet fills it from the posture role, the management account's stack from the Monitor stack's output. */
export const POSTURE_ROLE_PARAMETER = "PostureRoleArn";
/** With Security Hub on, the export sweep's role, which the account's import role trusts; filled the same ways. */
export const EXPORT_ROLE_PARAMETER = "ExportRoleArn";

/**
 * The spoke, for every account of the organization, in the home region and each forwarder region:
 *
 * - the same rules as the home stack (patternsFor) on this account's default bus, forwarding what
 *   they match to the home account's default bus in the home region, directly: an event crosses one
 *   bus boundary only, so a spoke never goes through a forwarder;
 * - their dead letters and alarms, named `vigil-<stage>-spoke-...`, notifying the home account's
 *   ops topic of the same region (`vigil-<stage>-ops`), where the operator already looks: a spoke
 *   topic per account would mean an email confirmation per account and region;
 * - in the home region only, the audit role the posture run assumes: trusting the posture
 *   function's role alone, from inside the organization, allowed exactly the posture reads of this
 *   account (and key remediation as the stage configures it);
 * - with Security Hub on, in the home region only, the import role the export sweep assumes:
 *   BatchImportFindings into a default product must be called by the account the findings name, so
 *   each account imports its own, allowed exactly its default product and its hub's Workflow updates.
 *
 * Environment-agnostic (account and region are CloudFormation's) and without the CDK bootstrap
 * check, since the member accounts are not bootstrapped.
 */
export function createSpokeStack(app: App, config: StageConfig, organization: OrganizationStageSettings): Stack {
  const stack = new Stack(app, "Spoke", {
    stackName: spokeStackName(config.stage),
    description: `Vigil ${config.stage}: forwards this account's CloudTrail events to the security account and holds the posture audit role (organization ${organization.id})`,
    synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
    analyticsReporting: false,
  });
  const postureRoleArn = new CfnParameter(stack, POSTURE_ROLE_PARAMETER, {
    type: "String",
    description: "The ARN of the home Monitor stack's posture function role (its PostureRoleArn output)",
    allowedPattern: "^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$",
  }).valueAsString;
  // The home account is the posture role's: one parameter, so the two cannot disagree.
  const homeAccount = Fn.select(4, Fn.split(":", postureRoleArn));

  const homeBus = EventBus.fromEventBusArn(
    stack,
    "HomeBus",
    stack.formatArn({ service: "events", region: HOME_REGION, account: homeAccount, resource: "event-bus", resourceName: "default" }),
  );
  const opsTopic = Topic.fromTopicArn(
    stack,
    "HomeOpsTopic",
    stack.formatArn({ service: "sns", account: homeAccount, resource: opsTopicName(config.stage), arnFormat: ArnFormat.NO_RESOURCE_NAME }),
  );
  const { alarms } = forwardToHomeBus(stack, patternsFor(config), homeBus, opsTopic, {
    role: `Vigil: forwards this account's CloudTrail events to the ${HOME_REGION} default bus of the security account`,
    deadLetters: `CloudTrail events of this account and region that EventBridge could not forward to the security account; inspect them and put them on its ${HOME_REGION} bus.`,
  });
  // The home ops topic lets in CloudWatch alarms of the organization by this name prefix.
  for (const alarm of alarms) (alarm.node.defaultChild as CfnAlarm).alarmName = `${spokeAlarmPrefix(config.stage)}${alarm.node.id}`;

  const inHomeRegion = new CfnCondition(stack, "InHomeRegion", { expression: Fn.conditionEquals(Aws.REGION, HOME_REGION) });
  const auditRole = new Role(stack, "AuditRole", {
    roleName: organization.auditRoleName,
    description: `Vigil ${config.stage}: the posture run's read-only view of this account`,
    assumedBy: new ArnPrincipal(postureRoleArn).withConditions({ StringEquals: { "aws:PrincipalOrgID": organization.id } }),
    // Inline, so that the one Condition keeps role and permissions together in the home region.
    inlinePolicies: { PostureReads: new PolicyDocument({ statements: accountReadStatements(stack, config.remediation) }) },
  });
  (auditRole.node.defaultChild as CfnRole).cfnOptions.condition = inHomeRegion;
  if (config.securityHub.enabled) addSecurityHubImportRole(stack, config, organization, inHomeRegion);
  return stack;
}

/** The member's Security Hub import role (see createSpokeStack), trusting the export sweep's role from inside the organization. */
function addSecurityHubImportRole(stack: Stack, config: StageConfig, organization: OrganizationStageSettings, inHomeRegion: CfnCondition): void {
  const exportRoleArn = new CfnParameter(stack, EXPORT_ROLE_PARAMETER, {
    type: "String",
    description: "The ARN of the home Monitor stack's export function role (its ExportRoleArn output)",
    allowedPattern: "^arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+$",
  }).valueAsString;
  const region = config.securityHub.region;
  const securityHub = (resource: string) => stack.formatArn({ service: "securityhub", region, resource, arnFormat: ArnFormat.NO_RESOURCE_NAME });
  const importRole = new Role(stack, "SecurityHubImportRole", {
    roleName: securityHubImportRoleName(config.stage),
    description: `Vigil ${config.stage}: imports this account's findings into its Security Hub default product in ${region}`,
    assumedBy: new ArnPrincipal(exportRoleArn).withConditions({ StringEquals: { "aws:PrincipalOrgID": organization.id } }),
    inlinePolicies: {
      SecurityHubImport: new PolicyDocument({
        statements: [
          new PolicyStatement({ sid: "ImportFindings", actions: ["securityhub:BatchImportFindings"], resources: [securityHub(`product/${stack.account}/default`)] }),
          new PolicyStatement({ sid: "SetFindingWorkflow", actions: ["securityhub:BatchUpdateFindings"], resources: [securityHub("hub/default")] }),
        ],
      }),
    },
  });
  (importRole.node.defaultChild as CfnRole).cfnOptions.condition = inHomeRegion;
}

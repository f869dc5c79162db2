/**
 * Names the accounts of an organization find each other's resources by. A spoke is deployed before
 * or after the home stacks, by a StackSet whose stacks CloudFormation names itself
 * (`StackSet-<name>-<id>`), so nothing it needs from the home account can be a generated name.
 */

/** The StackSet, and the plain stack the management account gets (StackSets never deploy there). */
export function spokeStackName(stage: string): string {
  return `vigil-${stage}-spoke`;
}

/** The ops topic of the home account in each region (monitor and forwarders), which the spokes' alarms notify. */
export function opsTopicName(stage: string): string {
  return `vigil-${stage}-ops`;
}

/** The names of the spokes' alarms begin so; the ops topics let in CloudWatch alarms of the organization by this prefix. */
export function spokeAlarmPrefix(stage: string): string {
  return `${spokeStackName(stage)}-`;
}

/** The role each member account holds for the export sweep's Security Hub import (BatchImportFindings must come from the finding's own account). */
export function securityHubImportRoleName(stage: string): string {
  return `vigil-${stage}-securityhub-import`;
}

import { actionMatches } from "../policy/actionPattern.ts";

/**
 * Actions no CloudTrail record ever names as its own call, so an archive cannot show them used:
 * - permission-only actions, checked while another call is authorized (the Service Authorization
 *   Reference marks them "[permission only]"): iam:PassRole (checked by the call that hands a
 *   role to a service), sts:TagSession / SetSourceIdentity / SetContext (checked by AssumeRole*);
 * - data-plane access that CloudTrail does not log: API Gateway's execute-api:Invoke ("API Gateway
 *   information in CloudTrail": only the management API is logged), RDS IAM database
 *   authentication rds-db:connect, Neptune's and OpenSearch's HTTP data APIs, EFS client access
 *   (elasticfilesystem:Client*), MSK's kafka-cluster actions.
 * The list is what Vigil knows of, not complete: an action outside it may still be unlogged.
 */
export const UNLOGGED_ACTIONS: readonly { pattern: string; why: string }[] = [
  { pattern: "iam:PassRole", why: "permission only: checked when a call hands a role to a service" },
  { pattern: "sts:TagSession", why: "permission only: checked by AssumeRole* with session tags" },
  { pattern: "sts:SetSourceIdentity", why: "permission only: checked by AssumeRole* with a source identity" },
  { pattern: "sts:SetContext", why: "permission only: checked by AssumeRole* with context" },
  { pattern: "execute-api:*", why: "API Gateway invocations are not logged by CloudTrail" },
  { pattern: "rds-db:connect", why: "RDS IAM database authentication is not logged by CloudTrail" },
  { pattern: "neptune-db:*", why: "Neptune data access is not logged by CloudTrail" },
  { pattern: "es:ESHttp*", why: "OpenSearch HTTP data access is not logged by CloudTrail" },
  { pattern: "elasticfilesystem:Client*", why: "EFS client access (NFS) is not logged by CloudTrail" },
  { pattern: "kafka-cluster:*", why: "MSK cluster data actions are not logged by CloudTrail" },
];

/** Why an archive cannot show the action used, or undefined when CloudTrail logs it. */
export function unloggedReason(action: string): string | undefined {
  return UNLOGGED_ACTIONS.find((entry) => actionMatches(entry.pattern, action))?.why;
}

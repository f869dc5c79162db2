import {
  GetAccountPasswordPolicyCommand,
  GetAccountSummaryCommand,
  GetPolicyVersionCommand,
  type IAMClient,
  ListEntitiesForPolicyCommand,
  ListPoliciesCommand,
  ListServerCertificatesCommand,
  type Policy,
} from "@aws-sdk/client-iam";
import type { CustomerPolicy, PasswordPolicy, ServerCertificate } from "@vigil/core";
import { decodePolicyDocument } from "../decodePolicyDocument.ts";
import { AwsCallError, allPages, awsCall, type CallContext, errorCode, mapLimit } from "./awsCall.ts";

/** Per-policy reads in flight at once: IAM's request rate per account is shared with everything else in it. */
const POLICY_CONCURRENCY = 3;

function isNoSuchEntity(error: unknown): boolean {
  const code = error instanceof AwsCallError ? error.code : errorCode(error);
  return code === "NoSuchEntityException" || code === "NoSuchEntity";
}

/** The account's password policy; null when it has none (IAM answers NoSuchEntity). */
export async function readPasswordPolicy(iam: IAMClient, context: CallContext): Promise<PasswordPolicy | null> {
  try {
    const output = await awsCall(context, "iam:GetAccountPasswordPolicy", () => iam.send(new GetAccountPasswordPolicyCommand({})));
    if (!output.PasswordPolicy) throw new AwsCallError("iam:GetAccountPasswordPolicy", "the answer has no PasswordPolicy");
    return output.PasswordPolicy;
  } catch (error) {
    if (isNoSuchEntity(error)) return null;
    throw error;
  }
}

export async function readAccountSummary(iam: IAMClient, context: CallContext): Promise<Record<string, number>> {
  const output = await awsCall(context, "iam:GetAccountSummary", () => iam.send(new GetAccountSummaryCommand({})));
  if (!output.SummaryMap) throw new AwsCallError("iam:GetAccountSummary", "the answer has no SummaryMap");
  const summary: Record<string, number> = {};
  for (const [key, value] of Object.entries(output.SummaryMap)) if (typeof value === "number") summary[key] = value;
  return summary;
}

/** Managed policies attached to something, as one ListPolicies listing (a page per 1,000 policies). */
function listAttachedPolicies(iam: IAMClient, context: CallContext, scope: "Local" | "All", usage?: "PermissionsPolicy"): Promise<Policy[]> {
  return allPages(
    context,
    "iam:ListPolicies",
    (marker) =>
      iam.send(
        new ListPoliciesCommand({
          Scope: scope,
          OnlyAttached: true,
          ...(usage ? { PolicyUsageFilter: usage } : {}),
          MaxItems: 1000,
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    (page) => page.Policies,
  );
}

/**
 * Customer-managed policies attached to something, each with its default version's document: one
 * ListPolicies listing and one GetPolicyVersion per policy. A policy deleted between the two reads is
 * left out, as it no longer exists.
 */
export async function readCustomerPolicies(iam: IAMClient, context: CallContext): Promise<CustomerPolicy[]> {
  const policies = await listAttachedPolicies(iam, context, "Local");
  const read = await mapLimit(policies, POLICY_CONCURRENCY, async (policy): Promise<CustomerPolicy | undefined> => {
    const { Arn: arn, PolicyName: name, DefaultVersionId: versionId } = policy;
    if (!arn || !name || !versionId) throw new AwsCallError("iam:ListPolicies", `a policy without Arn, PolicyName or DefaultVersionId: ${JSON.stringify(policy)}`);
    try {
      const output = await awsCall(context, "iam:GetPolicyVersion", () => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: versionId })));
      const encoded = output.PolicyVersion?.Document;
      if (!encoded) throw new AwsCallError("iam:GetPolicyVersion", `${arn} ${versionId}: the answer has no PolicyVersion.Document`);
      return { arn, name, defaultVersionId: versionId, attachmentCount: policy.AttachmentCount ?? 0, document: decodeDocument(arn, encoded) };
    } catch (error) {
      if (isNoSuchEntity(error)) return undefined;
      throw error;
    }
  });
  return read.filter((policy) => policy !== undefined);
}

function decodeDocument(arn: string, encoded: string): string {
  try {
    return decodePolicyDocument(encoded);
  } catch (cause) {
    throw new AwsCallError("iam:GetPolicyVersion", `${arn}: PolicyVersion.Document is not valid URL encoding`, { cause });
  }
}

/** The names of the entities of one kind a managed policy is attached to (as permissions, not as a boundary). */
async function attachedEntities(iam: IAMClient, context: CallContext, policyArn: string, kind: "User" | "Role"): Promise<string[]> {
  const entities = await allPages(
    context,
    "iam:ListEntitiesForPolicy",
    (marker) =>
      iam.send(
        new ListEntitiesForPolicyCommand({
          PolicyArn: policyArn,
          EntityFilter: kind,
          PolicyUsageFilter: "PermissionsPolicy",
          MaxItems: 1000,
          ...(marker ? { Marker: marker } : {}),
        }),
      ),
    (page) => (kind === "User" ? page.PolicyUsers?.map((user) => user.UserName) : page.PolicyRoles?.map((role) => role.RoleName)),
  );
  return entities.filter((name): name is string => typeof name === "string");
}

/**
 * Managed policies (AWS or customer) attached directly to users. Not read user by user: one ListPolicies
 * listing of every policy attached as permissions, then ListEntitiesForPolicy (users only) for each,
 * so the calls grow with the attached policies and the direct attachments found, never with the
 * number of users. ListEntitiesForPolicy answers user names only, not ARNs.
 *
 * Inline user policies have no listing that is not per user (ListUserPolicies, or
 * GetAccountAuthorizationDetails paging through every user); the event rule inline-policy-on-user
 * reports them as they are put.
 */
export async function readUserPolicyAttachments(iam: IAMClient, context: CallContext): Promise<{ policyArn: string; userName: string }[]> {
  const policies = await listAttachedPolicies(iam, context, "All", "PermissionsPolicy");
  const perPolicy = await mapLimit(policies, POLICY_CONCURRENCY, async (policy) => {
    const policyArn = policy.Arn;
    if (!policyArn) throw new AwsCallError("iam:ListPolicies", `a policy without Arn: ${JSON.stringify(policy)}`);
    try {
      return (await attachedEntities(iam, context, policyArn, "User")).map((userName) => ({ policyArn, userName }));
    } catch (error) {
      if (isNoSuchEntity(error)) return [];
      throw error;
    }
  });
  return perPolicy.flat();
}

/** The names of the roles AWSSupportAccess is attached to. */
export function readSupportRoles(iam: IAMClient, context: CallContext, partition: string): Promise<string[]> {
  return attachedEntities(iam, context, `arn:${partition}:iam::aws:policy/AWSSupportAccess`, "Role");
}

export async function readServerCertificates(iam: IAMClient, context: CallContext): Promise<ServerCertificate[]> {
  const metadata = await allPages(
    context,
    "iam:ListServerCertificates",
    (marker) => iam.send(new ListServerCertificatesCommand({ MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })),
    (page) => page.ServerCertificateMetadataList,
  );
  return metadata.map((certificate) => {
    const { ServerCertificateName: name, Arn: arn, Expiration: expiration } = certificate;
    if (!name || !arn || !expiration) throw new AwsCallError("iam:ListServerCertificates", `a certificate without name, Arn or Expiration: ${JSON.stringify(certificate)}`);
    return { name, arn, expiration: expiration.toISOString() };
  });
}

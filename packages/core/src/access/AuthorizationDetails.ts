import * as z from "zod";

/**
 * The account's users, groups, roles and managed policies as GetAccountAuthorizationDetails answers
 * them, in the form the AWS CLI writes (`aws iam get-account-authorization-details > details.json`):
 * AWS's field names, times as ISO text, and policy documents as JSON objects (the CLI decodes them;
 * the SDK's URL-encoded text is accepted too, and the live reader decodes it). Fields Vigil does not
 * read are kept as they are and not validated.
 */
export interface AuthorizationDetails {
  UserDetailList: UserDetail[];
  GroupDetailList: GroupDetail[];
  RoleDetailList: RoleDetail[];
  Policies: ManagedPolicyDetail[];
}

/** A policy document as JSON text (plain or URL-encoded) or the parsed object. */
export type PolicyDocumentValue = string | Record<string, unknown>;

export interface InlinePolicy {
  PolicyName: string;
  PolicyDocument: PolicyDocumentValue;
}

export interface AttachedPolicy {
  PolicyName?: string;
  PolicyArn: string;
}

export interface UserDetail {
  UserName: string;
  Arn: string;
  Path?: string;
  /** ISO instant. */
  CreateDate?: string;
  UserPolicyList?: InlinePolicy[];
  /** Names of the groups the user is in. */
  GroupList?: string[];
  AttachedManagedPolicies?: AttachedPolicy[];
}

export interface GroupDetail {
  GroupName: string;
  Arn: string;
  Path?: string;
  GroupPolicyList?: InlinePolicy[];
  AttachedManagedPolicies?: AttachedPolicy[];
}

export interface RoleDetail {
  RoleName: string;
  Arn: string;
  /** `/aws-service-role/...` for service-linked roles. */
  Path?: string;
  /** ISO instant. */
  CreateDate?: string;
  AssumeRolePolicyDocument?: PolicyDocumentValue;
  RolePolicyList?: InlinePolicy[];
  AttachedManagedPolicies?: AttachedPolicy[];
  /** IAM tracks a role's last use for the trailing 400 days; absent or empty: not used in that time. */
  RoleLastUsed?: { LastUsedDate?: string; Region?: string };
}

export interface ManagedPolicyDetail {
  PolicyName: string;
  Arn: string;
  DefaultVersionId?: string;
  AttachmentCount?: number;
  PolicyVersionList?: { Document?: PolicyDocumentValue; VersionId: string; IsDefaultVersion: boolean }[];
}

const name = z.string().min(1);
const instant = z.iso.datetime({ offset: true, error: "expected an ISO 8601 time" });
const document = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);
const inline = z.looseObject({ PolicyName: name, PolicyDocument: document });
const attached = z.looseObject({ PolicyName: name.optional(), PolicyArn: name });

export const authorizationDetailsSchema: z.ZodType<AuthorizationDetails> = z.looseObject({
  UserDetailList: z
    .array(
      z.looseObject({
        UserName: name,
        Arn: name,
        Path: z.string().optional(),
        CreateDate: instant.optional(),
        UserPolicyList: z.array(inline).optional(),
        GroupList: z.array(name).optional(),
        AttachedManagedPolicies: z.array(attached).optional(),
      }),
    )
    .default([]),
  GroupDetailList: z
    .array(
      z.looseObject({
        GroupName: name,
        Arn: name,
        Path: z.string().optional(),
        GroupPolicyList: z.array(inline).optional(),
        AttachedManagedPolicies: z.array(attached).optional(),
      }),
    )
    .default([]),
  RoleDetailList: z
    .array(
      z.looseObject({
        RoleName: name,
        Arn: name,
        Path: z.string().optional(),
        CreateDate: instant.optional(),
        AssumeRolePolicyDocument: document.optional(),
        RolePolicyList: z.array(inline).optional(),
        AttachedManagedPolicies: z.array(attached).optional(),
        RoleLastUsed: z.looseObject({ LastUsedDate: instant.optional(), Region: z.string().optional() }).optional(),
      }),
    )
    .default([]),
  Policies: z
    .array(
      z.looseObject({
        PolicyName: name,
        Arn: name,
        DefaultVersionId: z.string().optional(),
        AttachmentCount: z.number().int().min(0).optional(),
        PolicyVersionList: z.array(z.looseObject({ Document: document.optional(), VersionId: name, IsDefaultVersion: z.boolean() })).optional(),
      }),
    )
    .default([]),
});

/** Service-linked roles are created and used by an AWS service; nobody can narrow or delete them at will. */
export function isServiceLinkedRole(role: RoleDetail): boolean {
  return (role.Path ?? "").startsWith("/aws-service-role/");
}

import { type AttachedPolicy, type AuthorizationDetails, type InlinePolicy, isServiceLinkedRole, type ManagedPolicyDetail, type PolicyDocumentValue } from "./AuthorizationDetails.ts";

/** One identity policy a user or role holds, directly or through a group. */
export interface HeldPolicy {
  /** The managed policy's ARN, or `inline:<name>` for an inline policy. */
  id: string;
  name: string;
  kind: "managed" | "inline";
  /** The group it comes through, for a user's group policies. */
  group?: string;
  document: PolicyDocumentValue;
}

/** A user or role with every identity policy it holds (boundaries, SCPs and resource policies are not here). */
export interface PrincipalPolicies {
  kind: "user" | "role";
  name: string;
  arn: string;
  /** ISO instant. */
  createDate?: string;
  policies: HeldPolicy[];
  /** Managed policies attached to it (or its groups) whose document the details do not carry, by ARN. */
  unreadable: string[];
}

/** The users and roles of the details, each with the policies it holds. */
export function principalsOf(details: AuthorizationDetails): PrincipalPolicies[] {
  const lookup = policyLookup(details);
  const groups = new Map(details.GroupDetailList.map((group) => [group.GroupName, group]));
  const users = details.UserDetailList.map((user) => {
    const held = new Holdings(lookup);
    held.add(user.UserPolicyList, user.AttachedManagedPolicies);
    for (const groupName of user.GroupList ?? []) {
      const group = groups.get(groupName);
      if (group) held.add(group.GroupPolicyList, group.AttachedManagedPolicies, groupName);
    }
    return { kind: "user" as const, name: user.UserName, arn: user.Arn, ...(user.CreateDate ? { createDate: user.CreateDate } : {}), ...held.result() };
  });
  const roles = details.RoleDetailList.map((role) => {
    const held = new Holdings(lookup);
    held.add(role.RolePolicyList, role.AttachedManagedPolicies);
    return { kind: "role" as const, name: role.RoleName, arn: role.Arn, ...(role.CreateDate ? { createDate: role.CreateDate } : {}), ...held.result() };
  });
  return [...users, ...roles];
}

/**
 * The users and roles whose access can be narrowed: all but service-linked roles, which their
 * service creates, uses and deletes. Access Advisor is asked about these, and the unused-access
 * checks judge them.
 */
export function narrowablePrincipals(details: AuthorizationDetails): PrincipalPolicies[] {
  const serviceLinked = new Set(details.RoleDetailList.filter(isServiceLinkedRole).map((role) => role.Arn));
  return principalsOf(details).filter((principal) => !(principal.kind === "role" && serviceLinked.has(principal.arn)));
}

/**
 * The user or role an ARN names, as CloudTrail or a user writes it: the IAM ARN itself (with or
 * without the path), or a role's session (`arn:aws:sts::ACCOUNT:assumed-role/NAME/SESSION`).
 */
export function principalOf(details: AuthorizationDetails, arn: string): PrincipalPolicies | undefined {
  const wanted = identityOf(arn);
  if (!wanted) return undefined;
  return principalsOf(details).find((principal) => {
    const own = identityOf(principal.arn);
    return own !== undefined && own.account === wanted.account && own.kind === wanted.kind && own.name === wanted.name;
  });
}

/** Account, kind and name of an IAM user or role ARN, or of a role session's ARN; the path does not count. */
export function identityOf(arn: string): { account: string; kind: "user" | "role"; name: string } | undefined {
  const session = /^arn:[^:]+:sts::(\d{12}):assumed-role\/([^/]+)\/[^/]+$/.exec(arn);
  if (session) return { account: session[1] as string, kind: "role", name: session[2] as string };
  const iam = /^arn:[^:]+:iam::(\d{12}):(user|role)\/(?:.*\/)?([^/]+)$/.exec(arn);
  if (iam) return { account: iam[1] as string, kind: iam[2] as "user" | "role", name: iam[3] as string };
  return undefined;
}

type PolicyLookup = ReadonlyMap<string, PolicyDocumentValue | undefined>;

/** Each managed policy's default version document by ARN (undefined when the details omit it). */
function policyLookup(details: AuthorizationDetails): PolicyLookup {
  return new Map(details.Policies.map((policy) => [policy.Arn, defaultDocument(policy)]));
}

function defaultDocument(policy: ManagedPolicyDetail): PolicyDocumentValue | undefined {
  const versions = policy.PolicyVersionList ?? [];
  const version = versions.find((entry) => entry.IsDefaultVersion) ?? versions.find((entry) => entry.VersionId === policy.DefaultVersionId);
  return version?.Document;
}

class Holdings {
  readonly #lookup: PolicyLookup;
  readonly #policies: HeldPolicy[] = [];
  readonly #unreadable = new Set<string>();

  constructor(lookup: PolicyLookup) {
    this.#lookup = lookup;
  }

  add(inline: readonly InlinePolicy[] | undefined, attached: readonly AttachedPolicy[] | undefined, group?: string): void {
    const via = group ? { group } : {};
    for (const policy of inline ?? []) {
      this.#policies.push({ id: `inline:${group ? `${group}/` : ""}${policy.PolicyName}`, name: policy.PolicyName, kind: "inline", ...via, document: policy.PolicyDocument });
    }
    for (const policy of attached ?? []) {
      const document = this.#lookup.get(policy.PolicyArn);
      if (document === undefined) this.#unreadable.add(policy.PolicyArn);
      else this.#policies.push({ id: policy.PolicyArn, name: policy.PolicyName ?? policy.PolicyArn.replace(/^.*\//, ""), kind: "managed", ...via, document });
    }
  }

  result(): { policies: HeldPolicy[]; unreadable: string[] } {
    return { policies: this.#policies, unreadable: [...this.#unreadable] };
  }
}

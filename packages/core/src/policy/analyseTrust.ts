import { actionMatches } from "./actionPattern.ts";
import type { StatementRef } from "./analysePermissions.ts";
import type { PolicyDocument, PolicyPrincipal, PolicyStatement } from "./PolicyDocument.ts";
import { allowRestriction, denyPerimeter, isAccountId, type PrincipalRestriction } from "./principalConditions.ts";

/**
 * Who can assume a role, read from its trust policy (AssumeRolePolicyDocument).
 *
 * - A statement counts when it is an Allow whose Action (or NotAction) takes in `sts:AssumeRole`,
 *   `sts:AssumeRoleWithSAML` or `sts:AssumeRoleWithWebIdentity`.
 * - Public: `"Principal": "*"`, `{"AWS": "*"}` (alone or in a list) or an Allow with NotPrincipal
 *   (everyone but the listed), unless a Condition entry restricts the caller (see
 *   principalConditions.ts for which do and why) or a Deny fences callers in.
 * - Accounts: named as `"123456789012"`, `arn:aws:iam::123456789012:root`, a user, role or
 *   assumed-role ARN, or pinned by a restricting condition (`aws:PrincipalAccount`,
 *   `aws:SourceAccount`, the account field of `aws:PrincipalArn` / `aws:SourceArn`). Service
 *   principals, federated providers and canonical users are not accounts.
 * - Organizations: pinned by a restricting condition on `aws:PrincipalOrgID`,
 *   `aws:PrincipalOrgPaths` (the path's first part) or their Source* equivalents, on an Allow or
 *   on a Deny that fences a public Allow in. Every account of such an organization may assume the
 *   role: whether that is inside the zone of trust is for the rule to judge, which knows the
 *   monitor's own organization.
 * - Deny: an unconditional Deny for everyone (`"*"` / `{"AWS": "*"}`) of every assume action a
 *   statement allows cancels that statement. A Deny for everyone with exactly one negated
 *   restricting entry (`StringNotEquals aws:PrincipalOrgID`), or an unconditional Deny with
 *   NotPrincipal, fences the statement in: it is no longer public, and named accounts outside the
 *   fence are dropped. Other Denies are ignored, which errs towards reporting.
 */
export interface TrustAnalysis {
  /** Statements that let any principal assume the role. */
  public: PublicTrust[];
  /** Account ids that may assume the role, sorted; includes the role's own account when named. */
  accounts: string[];
  /** Organization ids whose accounts may assume the role, pinned by conditions, sorted. */
  organizations: string[];
  /** Every principal the allowing statements name, with the account behind it when there is one. */
  principals: TrustedPrincipal[];
  /** AWS principal values that name no account: unique ids (`AROA...`) left by deleted principals. */
  unresolved: string[];
}

export interface PublicTrust {
  statement: StatementRef;
  via: "Principal *" | "AWS *" | "NotPrincipal";
  /** Condition keys present on the statement that do not restrict the caller (`sts:ExternalId`). */
  conditionKeys: string[];
}

export interface TrustedPrincipal {
  statement: StatementRef;
  /** `AWS`, `Service`, `Federated`, `CanonicalUser`, or `Condition` for an account or organization pinned by a condition. */
  type: string;
  value: string;
  account: string | undefined;
  /** The organization a condition pins (`value` is then its id); absent for everything else. */
  organization?: string;
}

export const ASSUME_ACTIONS = ["sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity"] as const;

interface Fence {
  actions: readonly string[];
  spared: PrincipalRestriction;
}

export function analyseTrust(policy: PolicyDocument): TrustAnalysis {
  const blockers: (readonly string[])[] = [];
  const fences: Fence[] = [];
  for (const deny of policy.statements.filter((s) => s.effect === "Deny")) {
    const actions = assumeActions(deny);
    if (actions.length === 0) continue;
    const everyone = isEveryone(deny.principal);
    const conditional = Object.keys(deny.condition ?? {}).length > 0;
    if (everyone && !conditional) blockers.push(actions);
    else if (everyone) {
      const spared = denyPerimeter(deny.condition);
      if (spared) fences.push({ actions, spared });
    } else if (deny.notPrincipal && deny.notPrincipal !== "*" && !conditional) {
      const named = (deny.notPrincipal.AWS ?? []).map(accountOf);
      if (named.length > 0 && named.every((account) => account !== undefined)) {
        fences.push({ actions, spared: { keys: ["NotPrincipal"], accounts: [...new Set(named as string[])], organizations: [] } });
      }
    }
  }
  const covers = (denied: readonly string[], allowed: readonly string[]) => allowed.every((action) => denied.includes(action));

  const result: TrustAnalysis = { public: [], accounts: [], organizations: [], principals: [], unresolved: [] };
  const accounts = new Set<string>();
  const organizations = new Set<string>();
  for (const allow of policy.statements.filter((s) => s.effect === "Allow")) {
    const actions = assumeActions(allow);
    if (actions.length === 0 || blockers.some((denied) => covers(denied, actions))) continue;
    const statement = { index: allow.index, sid: allow.sid };
    const fencing = fences.filter((fence) => covers(fence.actions, actions));
    const fenceAccounts = fencing.flatMap((fence) => fence.spared.accounts);
    const fenceOrganizations = fencing.flatMap((fence) => fence.spared.organizations);
    const insideFence = (account: string) => fencing.every((fence) => fence.spared.accounts.length === 0 || fence.spared.accounts.includes(account));
    // An organization an Allow names but a Deny's organization fence shuts out cannot come in; a
    // fence on accounts alone says nothing of organizations, so it keeps them (errs towards reporting).
    const insideOrganizationFence = (organization: string) =>
      fencing.every((fence) => fence.spared.organizations.length === 0 || fence.spared.organizations.includes(organization));
    const restriction = allowRestriction(allow.condition);

    const via = publicVia(allow);
    if (via && !restriction && fencing.length === 0) {
      result.public.push({ statement, via, conditionKeys: conditionKeys(allow) });
    }
    // A fence names who may still come in only where the Allow itself lets everyone in; a Deny
    // never widens a restricted Allow.
    for (const account of [...(restriction?.accounts ?? []), ...(via && !restriction ? fenceAccounts : [])]) {
      if (!insideFence(account)) continue;
      accounts.add(account);
      result.principals.push({ statement, type: "Condition", value: account, account });
    }
    for (const organization of [...(restriction?.organizations ?? []), ...(via && !restriction ? fenceOrganizations : [])]) {
      if (!insideOrganizationFence(organization)) continue;
      organizations.add(organization);
      result.principals.push({ statement, type: "Condition", value: organization, account: undefined, organization });
    }
    if (allow.principal && allow.principal !== "*") {
      for (const [type, values] of Object.entries(allow.principal)) {
        for (const value of values) {
          if (type === "AWS" && value === "*") continue;
          const account = type === "AWS" ? accountOf(value) : undefined;
          if (type === "AWS" && account === undefined) result.unresolved.push(value);
          if (account !== undefined && !insideFence(account)) continue;
          if (account !== undefined) accounts.add(account);
          result.principals.push({ statement, type, value, account });
        }
      }
    }
  }
  result.accounts = [...accounts].sort();
  result.organizations = [...organizations].sort();
  return result;
}

/** Accounts the trust policy lets in that are neither the role's own account nor trusted. */
export function externalAccounts(trust: TrustAnalysis, ownAccount: string, trustedAccounts: readonly string[] = []): string[] {
  return trust.accounts.filter((account) => account !== ownAccount && !trustedAccounts.includes(account));
}

/** The assume actions a statement's Action / NotAction takes in. */
function assumeActions(statement: PolicyStatement): string[] {
  return ASSUME_ACTIONS.filter((action) =>
    statement.action
      ? statement.action.some((pattern) => actionMatches(pattern, action))
      : !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, action)),
  );
}

function isEveryone(principal: PolicyPrincipal | undefined): boolean {
  return principal === "*" || (principal !== undefined && (principal.AWS ?? []).includes("*"));
}

function publicVia(statement: PolicyStatement): PublicTrust["via"] | undefined {
  if (statement.notPrincipal) return "NotPrincipal";
  if (statement.principal === "*") return "Principal *";
  if (statement.principal && (statement.principal.AWS ?? []).includes("*")) return "AWS *";
  return undefined;
}

/** `123456789012`, or the account field of an IAM / STS ARN; undefined for anything else. */
export function accountOf(value: string): string | undefined {
  if (isAccountId(value)) return value;
  const parts = value.split(":");
  if (parts.length >= 6 && parts[0] === "arn" && (parts[2] === "iam" || parts[2] === "sts") && isAccountId(parts[4] ?? "")) return parts[4];
  return undefined;
}

function conditionKeys(statement: PolicyStatement): string[] {
  return [...new Set(Object.values(statement.condition ?? {}).flatMap((entries) => Object.keys(entries)))].sort();
}

import type { ConditionBlock } from "./PolicyDocument.ts";
import { hasWildcard } from "./wildcard.ts";

/**
 * Which Condition entries really narrow WHO can use a statement, for trust policies.
 *
 * Counted as restricting (AWS global condition keys that identify the caller or, for service
 * principals, the resource a service acts for):
 * - `aws:PrincipalAccount`, `aws:PrincipalArn`, `aws:PrincipalOrgID`, `aws:PrincipalOrgPaths`: the
 *   caller's account, ARN and organization; AWS sets them from the signed request, the caller
 *   cannot choose them.
 * - `aws:SourceAccount`, `aws:SourceArn`, `aws:SourceOrgID`, `aws:SourceOrgPaths`: the resource a
 *   service principal acts for (AWS's confused-deputy guidance). On a direct AssumeRole call they
 *   are absent, so a positive match on them fails and shuts out any direct caller.
 *
 * Not counted, with reasons:
 * - `sts:ExternalId`: the caller chooses it. AWS documents it as a guard against the confused-deputy
 *   problem for a third party that already is the principal, not a secret; with `Principal: "*"`
 *   anyone who learns or guesses the value can assume the role.
 * - `aws:SourceIp`, `aws:SourceVpc(e)`, `aws:SecureTransport`, `aws:MultiFactorAuthPresent`,
 *   `aws:PrincipalTag/*`, `aws:RequestTag/*`, `sts:RoleSessionName`, `aws:SourceIdentity` and any
 *   other key: they say where from or how, or are set by whoever owns the caller, not which
 *   account may call.
 *
 * And only when the operator makes an absent key fail: `StringEquals`, `StringEqualsIgnoreCase`,
 * `StringLike`, `ArnEquals`, `ArnLike`, alone or under `ForAnyValue:`. Not `...IfExists` and not
 * `ForAllValues:` (both are true when the key is absent, AWS IAM User Guide, "Condition operators"
 * and "Set operators for multivalued context keys"), not negated operators (they let in everyone
 * but the named), not `Null`. Every value must pin something: a value with `*` or `?` where the
 * account, organization or ARN sits does not restrict (`arn:aws:iam::*:role/Admin`, `o-*`, `*`).
 */

type KeyKind = "account" | "arn" | "org" | "orgPath";

const RESTRICTING_KEYS: Readonly<Record<string, KeyKind>> = {
  "aws:principalaccount": "account",
  "aws:sourceaccount": "account",
  "aws:principalarn": "arn",
  "aws:sourcearn": "arn",
  "aws:principalorgid": "org",
  "aws:sourceorgid": "org",
  "aws:principalorgpaths": "orgPath",
  "aws:sourceorgpaths": "orgPath",
};

const POSITIVE = new Set(["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike"]);
const NEGATED = new Set(["stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike"]);

export interface PrincipalRestriction {
  /** Condition keys (as written) whose entries restrict the caller. */
  keys: string[];
  /** Account ids those entries name, directly or inside ARNs. */
  accounts: string[];
}

/**
 * For an Allow: the entries that restrict the caller, or undefined when none does. Condition
 * entries are ANDed, so one restricting entry is enough.
 */
export function allowRestriction(condition: ConditionBlock | undefined): PrincipalRestriction | undefined {
  const keys: string[] = [];
  const accounts: string[] = [];
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    const base = operator.toLowerCase().replace(/^foranyvalue:/, "");
    if (!POSITIVE.has(base)) continue;
    for (const [key, values] of Object.entries(entries)) {
      const found = restrictingValues(key, values);
      if (!found) continue;
      keys.push(key);
      accounts.push(...found);
    }
  }
  return keys.length === 0 ? undefined : { keys, accounts: unique(accounts) };
}

/**
 * For a Deny that applies to everyone: the callers it spares, when its Condition is exactly one
 * negated entry on a restricting key (`"StringNotEquals": {"aws:PrincipalOrgID": "o-..."}`). A
 * negated operator is true when the key is absent, so the Deny also stops callers without one.
 * With more entries the Deny applies only when all hold, so it no longer fences anyone in.
 */
export function denyPerimeter(condition: ConditionBlock | undefined): PrincipalRestriction | undefined {
  const entries = Object.entries(condition ?? {}).flatMap(([operator, keys]) => Object.entries(keys).map(([key, values]) => ({ operator, key, values })));
  if (entries.length !== 1) return undefined;
  const [{ operator, key, values }] = entries as [(typeof entries)[number]];
  const base = operator.toLowerCase().replace(/ifexists$/, "");
  if (!NEGATED.has(base)) return undefined;
  const found = restrictingValues(key, values);
  return found ? { keys: [key], accounts: unique(found) } : undefined;
}

/** The account ids named when every value pins the key, else undefined. */
function restrictingValues(key: string, values: readonly string[]): string[] | undefined {
  const kind = RESTRICTING_KEYS[key.toLowerCase()];
  if (!kind) return undefined;
  const accounts: string[] = [];
  for (const value of values) {
    const account = pinned(kind, value);
    if (account === undefined) return undefined;
    if (account) accounts.push(account);
  }
  return accounts;
}

/** undefined when the value does not pin the caller; otherwise the account it names ("" for none). */
function pinned(kind: KeyKind, value: string): string | undefined {
  switch (kind) {
    case "account":
    case "org":
      if (hasWildcard(value)) return undefined;
      return kind === "account" && isAccountId(value) ? value : "";
    case "orgPath": {
      const org = value.split("/")[0] ?? "";
      return org !== "" && !hasWildcard(org) ? "" : undefined;
    }
    case "arn": {
      const parts = value.split(":");
      if (parts.length < 6 || parts[0] !== "arn") return undefined;
      const account = parts[4] ?? "";
      if (hasWildcard(account)) return undefined;
      if (account === "" && hasWildcard(value)) return undefined;
      return isAccountId(account) ? account : "";
    }
  }
}

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

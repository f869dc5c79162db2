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
  /**
   * Organization ids those entries name (`aws:PrincipalOrgID`, the first part of an
   * `aws:PrincipalOrgPaths` path, and the Source* equivalents), lower-cased as Organizations writes them.
   */
  organizations: string[];
}

/** What one value of a restricting key pins: an account, an organization, or neither (an ARN without an account, a value no organization has). */
interface Pin {
  account?: string;
  organization?: string;
}

/**
 * For an Allow: the entries that restrict the caller, or undefined when none does. Condition
 * entries are ANDed, so one restricting entry is enough.
 */
export function allowRestriction(condition: ConditionBlock | undefined): PrincipalRestriction | undefined {
  const keys: string[] = [];
  const pins: Pin[] = [];
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    const base = operator.toLowerCase().replace(/^foranyvalue:/, "");
    if (!POSITIVE.has(base)) continue;
    for (const [key, values] of Object.entries(entries)) {
      const found = restrictingValues(key, values);
      if (!found) continue;
      keys.push(key);
      pins.push(...found);
    }
  }
  return keys.length === 0 ? undefined : restriction(keys, pins);
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
  return found ? restriction([key], found) : undefined;
}

function restriction(keys: string[], pins: readonly Pin[]): PrincipalRestriction {
  return {
    keys,
    accounts: unique(pins.flatMap((pin) => (pin.account ? [pin.account] : []))),
    organizations: unique(pins.flatMap((pin) => (pin.organization ? [pin.organization] : []))),
  };
}

/** What each value pins when every value pins the key, else undefined. */
function restrictingValues(key: string, values: readonly string[]): Pin[] | undefined {
  const kind = RESTRICTING_KEYS[key.toLowerCase()];
  if (!kind) return undefined;
  const pins: Pin[] = [];
  for (const value of values) {
    const pin = pinned(kind, value);
    if (pin === undefined) return undefined;
    pins.push(pin);
  }
  return pins;
}

/** undefined when the value does not pin the caller; otherwise what it names (possibly nothing). */
function pinned(kind: KeyKind, value: string): Pin | undefined {
  switch (kind) {
    case "account":
      if (hasWildcard(value)) return undefined;
      return isAccountId(value) ? { account: value } : {};
    case "org":
      if (hasWildcard(value)) return undefined;
      return organizationOf(value);
    case "orgPath": {
      const org = value.split("/")[0] ?? "";
      return org !== "" && !hasWildcard(org) ? organizationOf(org) : undefined;
    }
    case "arn": {
      const parts = value.split(":");
      if (parts.length < 6 || parts[0] !== "arn") return undefined;
      const account = parts[4] ?? "";
      if (hasWildcard(account)) return undefined;
      if (account === "" && hasWildcard(value)) return undefined;
      return isAccountId(account) ? { account } : {};
    }
  }
}

/**
 * A value shaped like an organization id names that organization. Organizations writes ids in
 * lower case; an `...IgnoreCase` operator or a careless author may not, and the organization meant
 * is the same. Anything else matches no caller: it restricts, but names no one to report.
 */
function organizationOf(value: string): Pin {
  const id = value.toLowerCase();
  return /^o-[a-z0-9]{10,32}$/.test(id) ? { organization: id } : {};
}

export function isAccountId(value: string): boolean {
  return /^\d{12}$/.test(value);
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

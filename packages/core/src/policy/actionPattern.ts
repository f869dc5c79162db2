import type { ActionIndex } from "./ActionIndex.ts";
import { qualifiedActions } from "./qualifiedActions.ts";
import { hasWildcard, wildcardCovers, wildcardMatch, wildcardsIntersect } from "./wildcard.ts";

/**
 * IAM action matching as AWS evaluates it: `service:Action`, case-insensitive in both parts, `*` and
 * `?` anywhere (in the service prefix too: `i*:*` matches every action of `iam`, `identitystore`, ...).
 */

/** Stands for every action there is: a non-empty service, a colon, a non-empty name. */
export const ANY_ACTION = "?*:?*";

const IGNORE_CASE = { ignoreCase: true } as const;

/** Does the pattern (`iam:Create*`, `*`, `s3:GetObject`) match the action (`iam:CreateUser`)? */
export function actionMatches(pattern: string, action: string): boolean {
  return wildcardMatch(pattern, action, IGNORE_CASE);
}

/** Does `outer` match every action `inner` matches (`iam:*` covers `iam:Get*`)? */
export function actionPatternCovers(outer: string, inner: string): boolean {
  return wildcardCovers(outer, inner, IGNORE_CASE);
}

/** Could some action match both patterns? */
export function actionPatternsIntersect(a: string, b: string): boolean {
  return wildcardsIntersect(a, b, IGNORE_CASE);
}

/** `*`, `*:*`, `?*:*` and the like: every action of every service. */
export function isAllActionsPattern(pattern: string): boolean {
  return actionPatternCovers(pattern, ANY_ACTION);
}

/** The lower-case service prefix of an action name (`iam` for `IAM:CreateUser`), or undefined without a colon. */
export function serviceOf(action: string): string | undefined {
  const colon = action.indexOf(":");
  return colon > 0 ? action.slice(0, colon).toLowerCase() : undefined;
}

/**
 * The services whose every action the pattern grants: `iam:*` and `iam:?*` give `["iam"]`; with an
 * action index, `i*:*` gives `iam`, `identitystore`, ..., and a literal service whose every real action
 * the name part happens to match counts too. A wildcard prefix needs a whole-service name part:
 * `*:Get*` is not service-wide even where a service has only Get actions today. Without an index
 * a wildcard prefix is returned as written (`i*`), since the services it covers are unknown. A
 * prefix the index does not know is still returned: AWS adds services before data packages do.
 * Empty for partial patterns (`iam:Get*`) and for patterns without a colon other than `*`.
 */
export function servicesCoveredBy(pattern: string, actionIndex?: ActionIndex): string[] {
  const colon = pattern.indexOf(":");
  if (colon <= 0) return [];
  const prefix = pattern.slice(0, colon).toLowerCase();
  const name = pattern.slice(colon + 1);
  const wholeService = actionPatternCovers(name, "?*");
  if (!actionIndex) return wholeService ? [prefix] : [];

  if (hasWildcard(prefix)) {
    // `i*:*` names whole services; `*:Get*` only happens to cover services that have nothing but Get actions.
    return wholeService ? actionIndex.services().filter((service) => wildcardMatch(prefix, service, IGNORE_CASE)) : [];
  }
  const names = actionIndex.actions(prefix);
  if (names === undefined) return wholeService ? [prefix] : [];
  return names.length > 0 && names.every((action) => actionMatches(pattern, `${prefix}:${action}`)) ? [prefix] : [];
}

/** Real actions the pattern matches, from the action index, as `service:Name`. */
export function expandActionPattern(pattern: string, actionIndex: ActionIndex): string[] {
  const prefix = serviceOf(pattern);
  if (prefix && !hasWildcard(prefix)) {
    const names = actionIndex.actions(prefix) ?? [];
    return names.map((name) => `${prefix}:${name}`).filter((action) => actionMatches(pattern, action));
  }
  return qualifiedActions(actionIndex).filter((action) => actionMatches(pattern, action));
}

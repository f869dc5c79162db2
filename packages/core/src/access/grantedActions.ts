import type { ActionIndex } from "../policy/ActionIndex.ts";
import { expandActionPattern } from "../policy/actionPattern.ts";
import { arnMayBeOf, hasCondition, scopeOf } from "../policy/analysePermissions.ts";
import { parsePolicy } from "../policy/parsePolicy.ts";
import type { PolicyStatement } from "../policy/PolicyDocument.ts";
import { qualifiedActions } from "../policy/qualifiedActions.ts";
import { wildcardsIntersect } from "../policy/wildcard.ts";
import type { ActionResources } from "./ActionResources.ts";
import { type ArnScope, scopedPattern } from "./arnTemplate.ts";
import type { HeldPolicy } from "./principalPolicies.ts";

/**
 * The actions a principal's identity policies grant, expanded over the action catalogue. Read
 * conservatively, towards granting: the list is what "granted but never used" is taken from,
 * and an action wrongly left out would never be questioned, while one wrongly kept is only a
 * line to check.
 * - An Allow grants its actions (Action patterns expanded; NotAction: every action it does not
 *   name) when its resources could hold a resource of the action: `"Resource": "arn:aws:s3:::b"`
 *   grants no IAM action, and an action that takes no resource only on `*`.
 * - An Allow with a Condition grants too; its condition is named, not evaluated.
 * - Only a Deny without a Condition on every resource (`*`, no NotResource) removes an action. A
 *   Deny on some resources leaves the action granted on others.
 * - Permissions boundaries, SCPs, resource policies and session policies are not read.
 */
export interface GrantedActions {
  /** `service:Action` as the catalogue spells it, sorted. */
  actions: string[];
  /** Allow statements with a Condition, which were read as granting unconditionally. */
  conditions: { policy: string; statement: string; keys: string[] }[];
  /** Policies whose document could not be read as a policy, with why. */
  unparsable: { policy: string; reason: string }[];
}

export function grantedActions(policies: readonly HeldPolicy[], actions: ActionIndex, resources: ActionResources): GrantedActions {
  const granted = new Set<string>();
  const denied = new Set<string>();
  const conditions: GrantedActions["conditions"] = [];
  const unparsable: GrantedActions["unparsable"] = [];
  const all = () => qualifiedActions(actions);

  for (const policy of policies) {
    let statements: readonly PolicyStatement[];
    try {
      statements = parsePolicy(policy.document).statements;
    } catch (error) {
      unparsable.push({ policy: policy.id, reason: (error as Error).message });
      continue;
    }
    for (const statement of statements) {
      const scope = scopeOf(statement);
      if (!scope) continue;
      const acted = statementActions(statement, actions, all);
      if (statement.effect === "Deny") {
        if (!hasCondition(statement) && scope.kind === "all") for (const action of acted) denied.add(action);
        continue;
      }
      if (hasCondition(statement)) {
        conditions.push({ policy: policy.id, statement: statement.sid ?? `#${statement.index}`, keys: Object.values(statement.condition ?? {}).flatMap((entry) => Object.keys(entry)).sort() });
      }
      for (const action of acted) if (scope.kind !== "listed" || reaches(scope.patterns, action, resources)) granted.add(action);
    }
  }
  return { actions: [...granted].filter((action) => !denied.has(action)).sort(), conditions, unparsable };
}

function statementActions(statement: PolicyStatement, actions: ActionIndex, all: () => readonly string[]): string[] {
  if (statement.action) return [...new Set(statement.action.flatMap((pattern) => expandActionPattern(pattern, actions)))];
  const excluded = new Set((statement.notAction ?? []).flatMap((pattern) => expandActionPattern(pattern, actions)));
  return all().filter((action) => !excluded.has(action));
}

/** Every placeholder of a template as `*`: the shape of any ARN it stands for. */
const ANY_SCOPE: ArnScope = { partition: "*", region: undefined, account: "*" };

/**
 * Could one of the listed resource patterns name a resource the action takes? The pattern must be
 * able to be an ARN of the template's service (read field by field, as analysePermissions reads
 * it: `arn:aws:s3:::data/*` is no IAM ARN) and meet the template's shape. Unknown actions are kept.
 */
function reaches(patterns: readonly string[], action: string, resources: ActionResources): boolean {
  const colon = action.indexOf(":");
  const templates = resources.arnTemplates(action.slice(0, colon), action.slice(colon + 1));
  if (templates === undefined) return true;
  if (templates.length === 0) return false;
  return templates.some((template) => {
    const shape = scopedPattern(template, ANY_SCOPE);
    const service = template.split(":")[2] ?? "";
    return patterns.some((pattern) => arnMayBeOf(pattern, service) && wildcardsIntersect(pattern, shape));
  });
}

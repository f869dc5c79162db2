import type { ActionIndex } from "./ActionIndex.ts";
import {
  ANY_ACTION,
  actionMatches,
  actionPatternCovers,
  actionPatternsIntersect,
  expandActionPattern,
  isAllActionsPattern,
  serviceOf,
  servicesCoveredBy,
} from "./actionPattern.ts";
import { qualifiedActions } from "./qualifiedActions.ts";
import { type EscalationMatch, escalationActions, findEscalations } from "./escalation.ts";
import type { PolicyDocument, PolicyStatement } from "./PolicyDocument.ts";
import { wildcardCovers, wildcardMatch, wildcardsIntersect } from "./wildcard.ts";

/**
 * What an identity policy (a managed policy version, or an inline user, group or role policy)
 * allows, read on its own: no other policy, boundary or SCP is known here.
 *
 * How Deny is counted, conservatively, since a monitor should rather report than miss:
 * - Only a Deny WITHOUT a Condition removes anything; a conditional Deny may not apply.
 * - A Deny removes an Allow's grant of an action only when it denies that action on every resource
 *   the Allow names: its Resource patterns cover each of them (`*` covers all), or its NotResource
 *   patterns overlap none of them. Against an Allow with NotResource (all resources but a few) only
 *   a Deny on `*` counts.
 * - An Allow grants an action only where its resources could hold one of that action's resources:
 *   `"Action": "*"` on an S3 bucket grants no IAM action (see resourceReach). Beyond that, which
 *   resource an action needs is not modelled: `iam:PassRole` on one role still counts.
 * - A wildcard grant (`s3:*`) is removed only when one Deny covers the whole pattern; `s3:*` minus
 *   `s3:Delete*` is still reported.
 * - Full admin (`*` on `*`) survives Denies that leave every IAM action of the escalation list
 *   granted: whoever keeps those can rewrite its own policies and lift the Deny. A Deny that takes
 *   one of them away demotes the verdict to an all-actions wildcard, plus whatever escalation
 *   paths remain.
 * Allow statements with a Condition still grant (they grant when the condition holds); results
 * say `conditional` so callers can tell.
 */
export interface PermissionAnalysis {
  /** Set when the policy effectively allows every action on every resource. */
  fullAdmin: FullAdminGrant | undefined;
  /** Service-wide wildcards (`iam:*`, `s3:?*`, `i*:*`) and all-actions patterns (`*`, `*:*`), per statement. */
  wildcards: WildcardGrant[];
  /** Allow statements that use NotAction and still grant something. */
  notActions: NotActionGrant[];
  /** Known privilege-escalation methods the policy grants, in list order. */
  escalations: EscalationMatch[];
  /** Is the action (`iam:PassRole`) granted on at least one resource once unconditional Denies are applied? */
  grants(action: string): boolean;
}

export interface StatementRef {
  index: number;
  sid: string | undefined;
}

/** Which resources a statement applies to: every one, the listed ones, or every one but the listed. */
export interface ResourceScope {
  kind: "all" | "listed" | "all-except";
  /** Resource (for `all` and `listed`) or NotResource (for `all-except`) as written. */
  patterns: readonly string[];
}

export interface FullAdminGrant {
  statements: StatementRef[];
  /** True when every statement that grants it carries a Condition. */
  conditional: boolean;
  conditionKeys: string[];
}

export interface WildcardGrant {
  statement: StatementRef;
  /** As written in the policy. */
  pattern: string;
  kind: "all-actions" | "service";
  /** For `service`: the services wholly covered (with an action index), or the prefix as written. */
  services: string[];
  resources: ResourceScope;
  conditional: boolean;
}

export interface NotActionGrant {
  statement: StatementRef;
  notAction: readonly string[];
  resources: ResourceScope;
  conditional: boolean;
  /** The statement grants at least one IAM action. */
  grantsIam: boolean;
  /** With an action index: how many real actions the statement grants once Denies are applied. */
  grantedActionCount: number | undefined;
}

export interface AnalyseOptions {
  /** Real action names; lets NotAction and service wildcards be read exactly. */
  actions?: ActionIndex;
}

/** IAM actions whose loss demotes a full-admin grant (see above). */
const ADMIN_GUARD_ACTIONS = escalationActions().filter((action) => action.toLowerCase().startsWith("iam:"));

export function analysePermissions(policy: PolicyDocument, options: AnalyseOptions = {}): PermissionAnalysis {
  const actionIndex = options.actions;
  const allows = policy.statements.filter((s) => s.effect === "Allow" && scopeOf(s) !== undefined);
  const denies = policy.statements.filter((s) => s.effect === "Deny" && !hasCondition(s) && scopeOf(s) !== undefined);

  // Which Denies apply to all of an Allow's resources, worked out once per Allow.
  const coveringDenies = new Map<PolicyStatement, PolicyStatement[]>();
  const denying = (allow: PolicyStatement) => {
    let found = coveringDenies.get(allow);
    if (!found) coveringDenies.set(allow, (found = denies.filter((deny) => denyCoversResources(deny, allow))));
    return found;
  };
  const cancelled = (allow: PolicyStatement, action: string) => denying(allow).some((deny) => statementActs(deny, action));
  const patternCancelled = (allow: PolicyStatement, pattern: string) => denying(allow).some((deny) => denyCoversPattern(deny, pattern));
  const reaches = resourceReach();
  const grantedBy = (allow: PolicyStatement, action: string) => statementActs(allow, action) && reaches(allow, action) && !cancelled(allow, action);
  const grants = (action: string) => allows.some((allow) => grantedBy(allow, action));

  const adminStatements = allows.filter(
    (allow) =>
      scopeOf(allow)?.kind === "all" &&
      grantsEveryAction(allow, actionIndex) &&
      ADMIN_GUARD_ACTIONS.every((action) => !cancelled(allow, action)),
  );
  const fullAdmin: FullAdminGrant | undefined =
    adminStatements.length === 0
      ? undefined
      : {
          statements: adminStatements.map(ref),
          conditional: adminStatements.every(hasCondition),
          conditionKeys: [...new Set(adminStatements.flatMap(conditionKeys))].sort(),
        };

  const wildcards: WildcardGrant[] = [];
  for (const allow of allows) {
    for (const pattern of allow.action ?? []) {
      const allActions = isAllActionsPattern(pattern);
      const services = allActions ? [] : servicesCoveredBy(pattern, actionIndex);
      if (!allActions && services.length === 0) continue;
      if (patternCancelled(allow, pattern)) continue;
      wildcards.push({
        statement: ref(allow),
        pattern,
        kind: allActions ? "all-actions" : "service",
        services,
        resources: scopeOf(allow) as ResourceScope,
        conditional: hasCondition(allow),
      });
    }
  }

  const notActions: NotActionGrant[] = [];
  for (const allow of allows) {
    if (!allow.notAction || allow.notAction.some(isAllActionsPattern) || patternCancelled(allow, ANY_ACTION)) continue;
    let grantsIam: boolean;
    let grantedActionCount: number | undefined;
    if (actionIndex) {
      const granted = qualifiedActions(actionIndex).filter((action) => grantedBy(allow, action));
      if (granted.length === 0) continue;
      grantedActionCount = granted.length;
      grantsIam = granted.some((action) => action.startsWith("iam:"));
    } else {
      grantsIam =
        reaches(allow, "iam:PassRole") && !allow.notAction.some((pattern) => actionPatternCovers(pattern, "iam:?*")) && !patternCancelled(allow, "iam:?*");
    }
    notActions.push({
      statement: ref(allow),
      notAction: allow.notAction,
      resources: scopeOf(allow) as ResourceScope,
      conditional: hasCondition(allow),
      grantsIam,
      grantedActionCount,
    });
  }

  return { fullAdmin, wildcards, notActions, escalations: findEscalations(grants), grants };
}

/**
 * Resources of which services an action acts on, where that is not its own (`ssm:SendCommand`
 * targets EC2 instances too, `ec2-instance-connect:SendSSHPublicKey` only them).
 */
const FOREIGN_RESOURCES: Readonly<Record<string, readonly string[]>> = {
  ssm: ["ec2"],
  "ec2-instance-connect": ["ec2"],
};

/**
 * Can a statement's resources hold a resource the action acts on? `"Action": "*"` on an S3 bucket
 * grants no IAM action, whatever its Action says. A listed pattern reaches an action when it could
 * match an ARN of the action's service, read field by field: `arn:aws:iam::111122223333:role/x`
 * reaches `iam:PassRole`, `arn:aws:s3:::logs/*` does not. Memoised per statement and service.
 */
function resourceReach(): (statement: PolicyStatement, action: string) => boolean {
  const memo = new Map<PolicyStatement, Map<string, boolean>>();
  return (statement, action) => {
    const scope = scopeOf(statement);
    if (!scope) return false;
    if (scope.kind !== "listed") return true;
    const service = serviceOf(action) ?? "";
    let byService = memo.get(statement);
    if (!byService) memo.set(statement, (byService = new Map()));
    let reached = byService.get(service);
    if (reached === undefined) {
      const services = [service, ...(FOREIGN_RESOURCES[service] ?? [])];
      reached = scope.patterns.some((pattern) => services.some((name) => arnMayBeOf(pattern, name)));
      byService.set(service, reached);
    }
    return reached;
  };
}

/**
 * Could the resource pattern match an ARN of the service? Read field by field, since a `*` in the
 * resource part must not stand in for the service field: `arn:aws:s3:::data/*` is no IAM ARN.
 * A `*` before or in the service field may span colons, so it answers yes.
 */
export function arnMayBeOf(pattern: string, service: string): boolean {
  const [prefix = "", partition = "", field] = pattern.split(":", 3);
  if (field === undefined || [prefix, partition, field].some((part) => part.includes("*"))) return wildcardsIntersect(pattern, "arn:*");
  return wildcardMatch(prefix, "arn") && wildcardMatch(field, service, { ignoreCase: true });
}

/** Does the statement's Action / NotAction take in this concrete action? */
function statementActs(statement: PolicyStatement, action: string): boolean {
  if (statement.action) return statement.action.some((pattern) => actionMatches(pattern, action));
  return !(statement.notAction ?? []).some((pattern) => actionMatches(pattern, action));
}

/** Every action: `*` in Action, or a NotAction that excludes nothing real (nothing at all, without an action index). */
function grantsEveryAction(statement: PolicyStatement, actionIndex: ActionIndex | undefined): boolean {
  if (statement.action) return statement.action.some(isAllActionsPattern);
  const excluded = statement.notAction ?? [];
  if (excluded.length === 0) return true;
  return actionIndex !== undefined && excluded.every((pattern) => expandActionPattern(pattern, actionIndex).length === 0);
}

/** Does the Deny deny every action the pattern matches? */
function denyCoversPattern(deny: PolicyStatement, pattern: string): boolean {
  if (deny.action) return deny.action.some((denied) => actionPatternCovers(denied, pattern));
  return !(deny.notAction ?? []).some((kept) => actionPatternsIntersect(kept, pattern));
}

/** Does the Deny apply to every resource the Allow applies to? */
function denyCoversResources(deny: PolicyStatement, allow: PolicyStatement): boolean {
  const denied = scopeOf(deny);
  const allowed = scopeOf(allow);
  if (!denied || !allowed) return false;
  if (denied.kind === "all") return true;
  if (allowed.kind !== "listed") return false;
  if (denied.kind === "listed") {
    return allowed.patterns.every((resource) => denied.patterns.some((pattern) => wildcardCovers(pattern, resource)));
  }
  return allowed.patterns.every((resource) => !denied.patterns.some((pattern) => wildcardsIntersect(pattern, resource)));
}

/**
 * The statement's resources, or undefined when it applies to none (`"Resource": []`, or a
 * NotResource of `*`). A statement with neither element is read as `*`: IAM rejects it in identity
 * policies, and reading it broadly errs towards reporting.
 */
export function scopeOf(statement: PolicyStatement): ResourceScope | undefined {
  if (!scopes.has(statement)) scopes.set(statement, readScope(statement));
  return scopes.get(statement);
}

const scopes = new WeakMap<PolicyStatement, ResourceScope | undefined>();

function readScope(statement: PolicyStatement): ResourceScope | undefined {
  if (statement.resource) {
    if (statement.resource.length === 0) return undefined;
    const all = statement.resource.some((pattern) => wildcardCovers(pattern, "*") || wildcardCovers(pattern, "arn:*"));
    return { kind: all ? "all" : "listed", patterns: statement.resource };
  }
  if (statement.notResource) {
    if (statement.notResource.some((pattern) => wildcardCovers(pattern, "*"))) return undefined;
    if (statement.notResource.length === 0) return { kind: "all", patterns: ["*"] };
    return { kind: "all-except", patterns: statement.notResource };
  }
  return { kind: "all", patterns: ["*"] };
}

export function hasCondition(statement: PolicyStatement): boolean {
  return conditionKeys(statement).length > 0;
}

function conditionKeys(statement: PolicyStatement): string[] {
  return Object.values(statement.condition ?? {}).flatMap((entries) => Object.keys(entries));
}

function ref(statement: PolicyStatement): StatementRef {
  return { index: statement.index, sid: statement.sid };
}

/** `*`, `arn:aws:s3:::logs/*`, `every resource except arn:aws:s3:::audit/*`. */
export function describeScope(scope: ResourceScope): string {
  const list = scope.patterns.join(", ");
  return scope.kind === "all-except" ? `every resource except ${list}` : list;
}

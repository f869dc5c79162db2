import { PolicyParseError } from "../errors.ts";
import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import { eventAccount, requestString } from "../event/principal.ts";
import type { ActionIndex } from "./ActionIndex.ts";
import { analysePermissions, type PermissionAnalysis } from "./analysePermissions.ts";
import { analyseTrust, type TrustAnalysis } from "./analyseTrust.ts";
import { parsePolicy } from "./parsePolicy.ts";

/**
 * The policy document an IAM call carries, read from its CloudTrail record. IAM records the
 * document as the JSON text the caller sent (`requestParameters.policyDocument` or
 * `assumeRolePolicyDocument`), and the response's copy (CreateRole) URL-encoded.
 */

/** Calls that write an identity (permissions) policy document. */
export const IDENTITY_POLICY_EVENTS = ["CreatePolicy", "CreatePolicyVersion", "PutUserPolicy", "PutGroupPolicy", "PutRolePolicy"] as const;
/** Calls that write a role's trust policy. */
export const TRUST_POLICY_EVENTS = ["CreateRole", "UpdateAssumeRolePolicy"] as const;
export const POLICY_DOCUMENT_EVENTS = [...IDENTITY_POLICY_EVENTS, ...TRUST_POLICY_EVENTS] as const;

export type PolicyKind = "identity" | "trust";

/**
 * Why the document could not be read:
 * - `omitted`: CloudTrail dropped requestParameters as too large. It then records
 *   `{"reason": "requestParameters too large", "omitted": true, "originalSize": N}` instead (the
 *   record-contents page of the CloudTrail User Guide: "If a field is truncated, omitted is present
 *   with a value of true"). IAM accepts padded documents of 102,401 to 131,072 characters that
 *   trip this, a known way to hide a policy (Permiso, "CloudTrail Logging Evasion: Where Policy
 *   Size Matters", 2025; Elastic rule "AWS CloudTrail Log Evasion").
 * - `missing`: requestParameters is null or lacks the document field.
 * - `unparseable`: the field is there but is not an IAM policy.
 */
export type DocumentProblem =
  | { kind: "omitted"; reason: string | undefined; originalSize: number | undefined }
  | { kind: "missing" }
  | { kind: "unparseable"; message: string };

export interface PolicyChange {
  kind: PolicyKind;
  eventName: string;
  /** ARN of what the document now governs: the managed policy, the user, group or role. */
  target: string;
  /** The inline or managed policy name, when the call names one. */
  policyName: string | undefined;
  /** CreatePolicyVersion only: whether the new version became the default (and so took effect). */
  setAsDefault: boolean | undefined;
  /** The document field CloudTrail should carry. */
  field: "policyDocument" | "assumeRolePolicyDocument";
  /** Set when the document was read and analysed; `problem` is set otherwise. */
  permissions: PermissionAnalysis | undefined;
  trust: TrustAnalysis | undefined;
  problem: DocumentProblem | undefined;
}

const cache = new WeakMap<CloudTrailEvent, Map<ActionIndex | undefined, PolicyChange | undefined>>();

/**
 * Reads, parses and analyses the document once per event and action index, however many rules ask.
 * Undefined for calls that carry no policy document.
 */
export function policyChangeOf(event: CloudTrailEvent, actions?: ActionIndex): PolicyChange | undefined {
  let byActions = cache.get(event);
  if (!byActions) {
    byActions = new Map();
    cache.set(event, byActions);
  }
  if (!byActions.has(actions)) byActions.set(actions, readPolicyChange(event, actions));
  return byActions.get(actions);
}

function readPolicyChange(event: CloudTrailEvent, actions: ActionIndex | undefined): PolicyChange | undefined {
  if (event.eventSource !== "iam.amazonaws.com") return undefined;
  const name = event.eventName;
  const kind: PolicyKind | undefined = (IDENTITY_POLICY_EVENTS as readonly string[]).includes(name)
    ? "identity"
    : (TRUST_POLICY_EVENTS as readonly string[]).includes(name)
      ? "trust"
      : undefined;
  if (!kind) return undefined;
  const field = name === "CreateRole" ? "assumeRolePolicyDocument" : "policyDocument";
  const setAsDefault = event.requestParameters?.setAsDefault;
  const base = {
    kind,
    eventName: name,
    target: targetOf(event),
    policyName: requestString(event, "policyName"),
    setAsDefault: typeof setAsDefault === "boolean" ? setAsDefault : undefined,
    field,
  } as const;

  const params = event.requestParameters;
  if (params && (params.omitted === true || params.omitted === "true" || (typeof params.reason === "string" && /too large/i.test(params.reason)))) {
    const size = Number(params.originalSize);
    const reason = typeof params.reason === "string" ? params.reason : undefined;
    const originalSize = Number.isFinite(size) && size > 0 ? size : undefined;
    return { ...base, permissions: undefined, trust: undefined, problem: { kind: "omitted", reason, originalSize } };
  }
  const document = params?.[field];
  if (document === undefined || document === null || document === "") {
    return { ...base, permissions: undefined, trust: undefined, problem: { kind: "missing" } };
  }
  try {
    const policy = parsePolicy(document);
    return kind === "identity"
      ? { ...base, permissions: analysePermissions(policy, actions ? { actions } : {}), trust: undefined, problem: undefined }
      : { ...base, permissions: undefined, trust: analyseTrust(policy), problem: undefined };
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return { ...base, permissions: undefined, trust: undefined, problem: { kind: "unparseable", message: error.message } };
  }
}

/** What the call did, for a finding's summary: `created the managed policy arn:...`. */
export function describePolicyChange(change: PolicyChange): string {
  const named = change.policyName ? ` ${change.policyName}` : "";
  switch (change.eventName) {
    case "CreatePolicy":
      return `created the managed policy ${change.target}`;
    case "CreatePolicyVersion":
      return change.setAsDefault === false
        ? `created a new version of ${change.target} (not yet the default)`
        : `created a new default version of ${change.target}`;
    case "PutUserPolicy":
    case "PutGroupPolicy":
    case "PutRolePolicy":
      return `wrote the inline policy${named} on ${change.target}`;
    case "CreateRole":
      return `created the role ${change.target}`;
    default:
      return `changed the trust policy of ${change.target}`;
  }
}

/** Stands in for a name the record does not carry (requestParameters omitted). */
export const UNKNOWN_NAME = "<unknown>";

/** The ARN the call changes. Users and groups keep their path out of these requests, so `/` is assumed. */
function targetOf(event: CloudTrailEvent): string {
  const account = eventAccount(event);
  const params = event.requestParameters ?? {};
  const text = (key: string) => (typeof params[key] === "string" ? (params[key] as string) : undefined);
  const path = text("path") ?? "/";
  switch (event.eventName) {
    case "CreatePolicy":
      return responseArn(event, "policy") ?? `arn:aws:iam::${account}:policy${path}${text("policyName") ?? UNKNOWN_NAME}`;
    case "CreatePolicyVersion":
      return text("policyArn") ?? `arn:aws:iam::${account}:policy/${UNKNOWN_NAME}`;
    case "PutUserPolicy":
      return `arn:aws:iam::${account}:user/${text("userName") ?? UNKNOWN_NAME}`;
    case "PutGroupPolicy":
      return `arn:aws:iam::${account}:group/${text("groupName") ?? UNKNOWN_NAME}`;
    case "CreateRole":
      return responseArn(event, "role") ?? `arn:aws:iam::${account}:role${path}${text("roleName") ?? UNKNOWN_NAME}`;
    default:
      // PutRolePolicy, UpdateAssumeRolePolicy
      return `arn:aws:iam::${account}:role/${text("roleName") ?? UNKNOWN_NAME}`;
  }
}

function responseArn(event: CloudTrailEvent, key: string): string | undefined {
  const object = event.responseElements?.[key];
  if (typeof object !== "object" || object === null) return undefined;
  const arn = (object as Record<string, unknown>).arn;
  return typeof arn === "string" ? arn : undefined;
}

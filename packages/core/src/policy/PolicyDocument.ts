/**
 * An IAM policy document after `parsePolicy`: every field that IAM lets be "a string or a list" is
 * a list, every condition value a string, and each statement knows its place in the document.
 */
export interface PolicyDocument {
  version: string | undefined;
  id: string | undefined;
  statements: readonly PolicyStatement[];
}

export type Effect = "Allow" | "Deny";

export interface PolicyStatement {
  /** Position in the document (0 when `Statement` is a single object). */
  index: number;
  sid: string | undefined;
  effect: Effect;
  /** Exactly one of `action` and `notAction` is set. */
  action: readonly string[] | undefined;
  notAction: readonly string[] | undefined;
  /** At most one of `resource` and `notResource` is set; trust policies have neither. */
  resource: readonly string[] | undefined;
  notResource: readonly string[] | undefined;
  /** At most one of `principal` and `notPrincipal` is set; identity policies have neither. */
  principal: PolicyPrincipal | undefined;
  notPrincipal: PolicyPrincipal | undefined;
  condition: ConditionBlock | undefined;
}

/**
 * `"*"` (everyone, including anonymous callers) or a map from principal type (`AWS`, `Service`,
 * `Federated`, `CanonicalUser`) to its values.
 */
export type PolicyPrincipal = "*" | Readonly<Record<string, readonly string[]>>;

/** `{ operator: { contextKey: values } }`, e.g. `{ StringEquals: { "aws:PrincipalOrgID": ["o-a1b2c3d4e5"] } }`. */
export type ConditionBlock = Readonly<Record<string, Readonly<Record<string, readonly string[]>>>>;

/** Accepted by `parsePolicy`: JSON text, URL-encoded JSON text (GetPolicyVersion, GetRole), or the parsed object. */
export type PolicyInput = string | Readonly<Record<string, unknown>>;

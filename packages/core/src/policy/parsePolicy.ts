import { PolicyParseError } from "../errors.ts";
import type { ConditionBlock, Effect, PolicyDocument, PolicyInput, PolicyPrincipal, PolicyStatement } from "./PolicyDocument.ts";

/**
 * Reads an IAM policy document the way it reaches us: JSON text (CloudTrail's `policyDocument`),
 * URL-encoded JSON text (GetPolicyVersion, GetRole, GetAccountAuthorizationDetails), or an object
 * (a synthesized CloudFormation template). Normalises "string or list" fields to lists.
 *
 * @throws PolicyParseError naming the offending field when the input is not an IAM policy.
 */
export function parsePolicy(input: PolicyInput | unknown): PolicyDocument {
  const value = typeof input === "string" ? decodeText(input) : input;
  if (!isObject(value)) throw fail("", `expected a policy object, got ${describe(value)}`);

  const version = optionalString(value.Version, "Version");
  const id = optionalString(value.Id, "Id");
  if (!("Statement" in value)) throw fail("Statement", "required field is missing");
  const raw = value.Statement;
  let statements: PolicyStatement[];
  if (Array.isArray(raw)) statements = raw.map((item, index) => parseStatement(item, index, `Statement[${index}]`));
  else if (isObject(raw)) statements = [parseStatement(raw, 0, "Statement")];
  else throw fail("Statement", `expected an object or a list of objects, got ${describe(raw)}`);
  return { version, id, statements };
}

function decodeText(text: string): unknown {
  let json = text.trim();
  if (json === "") throw fail("", "the document is empty");
  // IAM hands documents back URL-encoded (RFC 3986); JSON text never starts with `%`.
  if (!json.startsWith("{") && /%[0-9a-f]{2}/i.test(json)) {
    try {
      json = decodeURIComponent(json.replace(/\+/g, "%20")).trim();
    } catch (cause) {
      throw fail("", "looks URL-encoded but is not valid URL encoding", cause);
    }
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (cause) {
    throw fail("", `not valid JSON (${(cause as Error).message})`, cause);
  }
}

function parseStatement(value: unknown, index: number, at: string): PolicyStatement {
  if (!isObject(value)) throw fail(at, `expected a statement object, got ${describe(value)}`);
  const effect = parseEffect(value.Effect, `${at}.Effect`);
  const action = optionalList(value.Action, `${at}.Action`);
  const notAction = optionalList(value.NotAction, `${at}.NotAction`);
  if (action && notAction) throw fail(at, "has both Action and NotAction");
  if (!action && !notAction) throw fail(at, "needs Action or NotAction");
  const resource = optionalList(value.Resource, `${at}.Resource`);
  const notResource = optionalList(value.NotResource, `${at}.NotResource`);
  if (resource && notResource) throw fail(at, "has both Resource and NotResource");
  const principal = optionalPrincipal(value.Principal, `${at}.Principal`);
  const notPrincipal = optionalPrincipal(value.NotPrincipal, `${at}.NotPrincipal`);
  if (principal && notPrincipal) throw fail(at, "has both Principal and NotPrincipal");
  return {
    index,
    sid: optionalString(value.Sid, `${at}.Sid`),
    effect,
    action,
    notAction,
    resource,
    notResource,
    principal,
    notPrincipal,
    condition: optionalCondition(value.Condition, `${at}.Condition`),
  };
}

function parseEffect(value: unknown, at: string): Effect {
  if (value === undefined) throw fail(at, "required field is missing");
  if (value === "Allow" || value === "Deny") return value;
  throw fail(at, `expected "Allow" or "Deny", got ${describe(value)}`);
}

function optionalString(value: unknown, at: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return value;
  throw fail(at, `expected a string, got ${describe(value)}`);
}

function optionalList(value: unknown, at: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) {
    return value.map((item, i) => {
      if (typeof item !== "string") throw fail(`${at}[${i}]`, `expected a string, got ${describe(item)}`);
      return item;
    });
  }
  throw fail(at, `expected a string or a list of strings, got ${describe(value)}`);
}

function optionalPrincipal(value: unknown, at: string): PolicyPrincipal | undefined {
  if (value === undefined) return undefined;
  if (value === "*") return "*";
  if (!isObject(value)) throw fail(at, `expected "*" or an object such as {"AWS": ...}, got ${describe(value)}`);
  // fromEntries defines own properties, so a key such as "__proto__" stays data.
  return Object.fromEntries(Object.entries(value).map(([type, values]) => [type, optionalList(values, `${at}.${type}`) ?? []]));
}

function optionalCondition(value: unknown, at: string): ConditionBlock | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) throw fail(at, `expected an object, got ${describe(value)}`);
  return Object.fromEntries(
    Object.entries(value).map(([operator, entries]) => {
      if (!isObject(entries)) throw fail(`${at}.${operator}`, `expected an object of condition keys, got ${describe(entries)}`);
      const keys = Object.entries(entries).map(([key, values]) => [key, conditionValues(values, `${at}.${operator}.${key}`)] as const);
      return [operator, Object.fromEntries(keys)];
    }),
  );
}

/** Condition values may be strings, numbers or booleans (`"Bool": {"aws:SecureTransport": true}`), or lists of them. */
function conditionValues(value: unknown, at: string): string[] {
  const scalar = (item: unknown, where: string): string => {
    if (typeof item === "string") return item;
    if (typeof item === "number" || typeof item === "boolean") return String(item);
    throw fail(where, `expected a string, number or boolean, got ${describe(item)}`);
  };
  if (Array.isArray(value)) return value.map((item, i) => scalar(item, `${at}[${i}]`));
  return [scalar(value, at)];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return typeof value;
}

function fail(at: string, message: string, cause?: unknown): PolicyParseError {
  return new PolicyParseError(at ? `${at}: ${message}` : message, cause === undefined ? undefined : { cause });
}

import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import { eventAccount, succeeded } from "../event/principal.ts";
import { policyChangeOf } from "./policyChange.ts";

/**
 * Getting back a policy document CloudTrail left out as too large, by reading it from IAM.
 *
 * CloudTrail replaces the whole requestParameters object with
 * `{"reason": "requestParameters too large", "omitted": true, "originalSize": N}`, so the names the
 * call carried go with the document. What the record still says, per call:
 * - CreatePolicy: responseElements.policy has the ARN and the default version (v1), so
 *   GetPolicyVersion returns exactly the document written (versions never change).
 * - CreateRole: responseElements.role names the role, so GetRole returns its trust policy (the
 *   current one, normally the one just written). When the padded document also made the response
 *   too large, CloudTrail omits that too and nothing names the role.
 * - CreatePolicyVersion: responseElements.policyVersion has the versionId, not the policy's ARN.
 * - PutUserPolicy, PutGroupPolicy, PutRolePolicy, UpdateAssumeRolePolicy: responseElements is null.
 * The marker itself names nothing, and IAM records as published carry no additionalEventData and no
 * `resources` list; a record that has one (an AWS::IAM::Policy or AWS::IAM::Role ARN) is used for
 * the two calls an ARN alone identifies.
 * Names are also read from requestParameters, for a producer that drops only the document.
 * Where nothing says which policy or entity it was, there is no lookup and the record stays as
 * policy-document-omitted reports it.
 */

/** An IAM read that returns a policy document, with its input as the IAM API names it. */
export type IamPolicyRead =
  | { call: "GetPolicyVersion"; input: { PolicyArn: string; VersionId: string } }
  | { call: "GetUserPolicy"; input: { UserName: string; PolicyName: string } }
  | { call: "GetGroupPolicy"; input: { GroupName: string; PolicyName: string } }
  | { call: "GetRolePolicy"; input: { RoleName: string; PolicyName: string } }
  | { call: "GetRole"; input: { RoleName: string } };

export type PolicyLookup = IamPolicyRead & {
  /** The account the event happened in: the read must be made there (GetRole's answer is checked against it). */
  account: string;
  /** The requestParameters field the policy rules read the document from. */
  field: "policyDocument" | "assumeRolePolicyDocument";
  /** The call's names (no document) as far as the record still tells them; put back with the document. */
  request: Record<string, string | boolean>;
};

type Read = { read: IamPolicyRead; request: Record<string, string | boolean> };

/**
 * The IAM read that returns the document of a successful policy-writing call whose record lost it
 * (the case policy-document-omitted reports as `omitted`). Undefined for any other event, and
 * where the record no longer says which policy or entity the call wrote.
 */
export function omittedPolicyLookup(event: CloudTrailEvent): PolicyLookup | undefined {
  if (!succeeded(event)) return undefined;
  const change = policyChangeOf(event);
  if (change?.problem?.kind !== "omitted") return undefined;
  const found = readOf(event);
  return found && { ...found.read, account: eventAccount(event), field: change.field, request: found.request };
}

/**
 * A copy of the event carrying the fetched document where the policy rules read it, with the
 * call's names, and without the omitted marker (so policy-document-omitted no longer applies).
 * The event ID stays, so findings keep their ids on a redelivery.
 */
export function withPolicyDocument(event: CloudTrailEvent, lookup: PolicyLookup, document: string): CloudTrailEvent {
  return { ...event, requestParameters: { ...lookup.request, [lookup.field]: document } };
}

function readOf(event: CloudTrailEvent): Read | undefined {
  const request = (key: string) => text(event.requestParameters?.[key]);
  switch (event.eventName) {
    case "CreatePolicy": {
      const policy = object(event.responseElements?.policy);
      const arn = text(policy?.arn);
      const versionId = text(policy?.defaultVersionId);
      if (!arn || !versionId) return undefined;
      return {
        read: { call: "GetPolicyVersion", input: { PolicyArn: arn, VersionId: versionId } },
        request: defined({ policyName: text(policy?.policyName), path: text(policy?.path) }),
      };
    }
    case "CreatePolicyVersion": {
      const version = object(event.responseElements?.policyVersion);
      const versionId = text(version?.versionId);
      const arn = request("policyArn") ?? resourceArn(event, "AWS::IAM::Policy");
      if (!arn || !versionId) return undefined;
      const isDefault = version?.isDefaultVersion;
      return {
        read: { call: "GetPolicyVersion", input: { PolicyArn: arn, VersionId: versionId } },
        // The new version is the default exactly when the call asked for it.
        request: { policyArn: arn, ...(typeof isDefault === "boolean" ? { setAsDefault: isDefault } : {}) },
      };
    }
    case "PutUserPolicy": {
      const [userName, policyName] = [request("userName"), request("policyName")];
      if (!userName || !policyName) return undefined;
      return { read: { call: "GetUserPolicy", input: { UserName: userName, PolicyName: policyName } }, request: { userName, policyName } };
    }
    case "PutGroupPolicy": {
      const [groupName, policyName] = [request("groupName"), request("policyName")];
      if (!groupName || !policyName) return undefined;
      return { read: { call: "GetGroupPolicy", input: { GroupName: groupName, PolicyName: policyName } }, request: { groupName, policyName } };
    }
    case "PutRolePolicy": {
      const [roleName, policyName] = [request("roleName"), request("policyName")];
      if (!roleName || !policyName) return undefined;
      return { read: { call: "GetRolePolicy", input: { RoleName: roleName, PolicyName: policyName } }, request: { roleName, policyName } };
    }
    case "CreateRole": {
      const role = object(event.responseElements?.role);
      const roleName = text(role?.roleName) ?? request("roleName");
      if (!roleName) return undefined;
      return { read: { call: "GetRole", input: { RoleName: roleName } }, request: defined({ roleName, path: text(role?.path) ?? request("path") }) };
    }
    case "UpdateAssumeRolePolicy": {
      const roleName = request("roleName") ?? lastSegment(resourceArn(event, "AWS::IAM::Role"));
      if (!roleName) return undefined;
      return { read: { call: "GetRole", input: { RoleName: roleName } }, request: { roleName } };
    }
    default:
      return undefined;
  }
}

/** The ARN of the record's `resources` entry of that type (`[{ "ARN", "accountId", "type" }]`). */
function resourceArn(event: CloudTrailEvent, type: string): string | undefined {
  const resources = (event as { resources?: unknown }).resources;
  if (!Array.isArray(resources)) return undefined;
  for (const resource of resources) {
    const entry = object(resource);
    if (entry?.type === type && text(entry.ARN)) return text(entry.ARN);
  }
  return undefined;
}

/** A role's name is the ARN's last segment; its path comes before it. */
function lastSegment(arn: string | undefined): string | undefined {
  return arn ? text(arn.slice(arn.lastIndexOf("/") + 1)) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function object(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function defined(values: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

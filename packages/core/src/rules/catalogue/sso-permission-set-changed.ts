import { need } from "../../event/needField.ts";
import { PolicyParseError } from "../../errors.ts";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { principalArn, requestString, succeeded } from "../../event/principal.ts";
import type { Severity } from "../../findings/Severity.ts";
import type { ActionIndex } from "../../policy/ActionIndex.ts";
import { analysePermissions } from "../../policy/analysePermissions.ts";
import { parsePolicy } from "../../policy/parsePolicy.ts";
import { ATTACK } from "../references.ts";
import { defineRule } from "../Rule.ts";

/**
 * Identity Center (eventSource sso.amazonaws.com, the SSO Admin API) calls that create a permission
 * set or change what it grants. A permission set becomes an IAM role in every account it is
 * assigned to, so each of these changes the rights of everyone assigned to it, across accounts.
 * Names from the IAM Identity Center API Reference; CloudTrail records request fields in camelCase.
 */
const CHANGES: Record<string, (event: CloudTrailEvent) => string> = {
  CreatePermissionSet: (event) => `created the permission set${named(requestString(event, "name"))}`,
  UpdatePermissionSet: () => "updated (session duration, relay state or description of) the permission set",
  ProvisionPermissionSet: () => "provisioned the permission set",
  AttachManagedPolicyToPermissionSet: (event) => `attached the managed policy ${requestString(event, "managedPolicyArn") ?? "<unknown>"} to the permission set`,
  DetachManagedPolicyFromPermissionSet: (event) => `detached the managed policy ${requestString(event, "managedPolicyArn") ?? "<unknown>"} from the permission set`,
  AttachCustomerManagedPolicyReferenceToPermissionSet: (event) =>
    `attached the customer managed policy reference ${customerPolicy(event.requestParameters?.customerManagedPolicyReference)} to the permission set`,
  DetachCustomerManagedPolicyReferenceFromPermissionSet: (event) =>
    `detached the customer managed policy reference ${customerPolicy(event.requestParameters?.customerManagedPolicyReference)} from the permission set`,
  PutInlinePolicyToPermissionSet: () => "wrote the inline policy of the permission set",
  DeleteInlinePolicyFromPermissionSet: () => "deleted the inline policy of the permission set",
  PutPermissionsBoundaryToPermissionSet: (event) => `set the permissions boundary ${boundary(event.requestParameters?.permissionsBoundary)} on the permission set`,
  DeletePermissionsBoundaryFromPermissionSet: () => "removed the permissions boundary from the permission set",
};

/** Any partition; the account field `aws` marks an AWS managed policy. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

const named = (name: string | undefined) => (name ? ` ${name}` : "");

function objectOf(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function textOf(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A CustomerManagedPolicyReference is a policy name and path, resolved in each account it lands in. */
function customerPolicy(value: unknown): string {
  const reference = objectOf(value);
  const name = textOf(reference?.name);
  return name ? `${textOf(reference?.path) ?? "/"}${name}` : "<unknown>";
}

/** A boundary is either an AWS managed policy ARN or a customer managed policy reference. */
function boundary(value: unknown): string {
  const managed = textOf(objectOf(value)?.managedPolicyArn);
  return managed ?? customerPolicy(objectOf(value)?.customerManagedPolicyReference);
}

function provisionTarget(event: CloudTrailEvent): string {
  const type = requestString(event, "targetType");
  if (type === "ALL_PROVISIONED_ACCOUNTS") return "to every account it is assigned to";
  const account = requestString(event, "targetId");
  return account ? `to the account ${account}` : "to an account the record does not name";
}

/** CreatePermissionSet returns the new ARN; every other call names it in the request. */
function permissionSetArn(event: CloudTrailEvent): string | undefined {
  return requestString(event, "permissionSetArn") ?? textOf(objectOf(event.responseElements?.permissionSet)?.permissionSetArn);
}

type InlineVerdict =
  | { kind: "admin"; statements: number[]; conditional: boolean }
  | { kind: "bounded" }
  | { kind: "unreadable"; why: string };

/**
 * The inline policy through the same analysis as an IAM identity policy. CloudTrail's record of
 * PutInlinePolicyToPermissionSet is expected to carry `inlinePolicy` as the JSON text sent, but the
 * AWS documentation gives no example record, and CloudTrail may omit an oversized requestParameters
 * or a service may redact a field; any of these is reported as unread, never as harmless.
 */
function inlineVerdict(event: CloudTrailEvent, actions: ActionIndex | undefined): InlineVerdict {
  const params = event.requestParameters;
  if (params?.omitted === true || params?.omitted === "true") return { kind: "unreadable", why: "CloudTrail omitted requestParameters as too large" };
  const text = params?.inlinePolicy;
  if (text === undefined || text === null || text === "") return { kind: "unreadable", why: "the record does not carry inlinePolicy" };
  try {
    const admin = analysePermissions(parsePolicy(text), actions ? { actions } : {}).fullAdmin;
    return admin ? { kind: "admin", statements: admin.statements.map((s) => s.index), conditional: admin.conditional } : { kind: "bounded" };
  } catch (error) {
    if (!(error instanceof PolicyParseError)) throw error;
    return { kind: "unreadable", why: `inlinePolicy is not a readable policy (redacted?): ${error.message}` };
  }
}

export const ssoPermissionSetChanged = defineRule({
  kind: "event",
  meta: {
    id: "sso-permission-set-changed",
    title: "Identity Center permission set created or changed",
    severity: "HIGH",
    description:
      "An IAM Identity Center permission set was created, updated or provisioned, or had a managed policy, customer managed policy reference, inline policy or permissions boundary attached or removed. A permission set becomes a role in every account it is assigned to, so one change reaches every assigned user in every such account. CRITICAL when AdministratorAccess is attached or the inline policy allows every action on every resource (the inline policy goes through the same analysis as IAM policies; an inline policy the record does not carry readably is reported as unread).",
    remediation:
      "Confirm the change with the team that owns Identity Center. If it is unexpected, restore the permission set's previous policies and re-provision it, and review what users assigned to it did since the change. Keep full administration to a break-glass permission set assigned to few people.",
    // AWS docs: https://docs.aws.amazon.com/singlesignon/latest/userguide/permissionsetsconcept.html and
    // https://docs.aws.amazon.com/singlesignon/latest/userguide/logging-using-cloudtrail.html (references hold CIS and ATT&CK only).
    references: [ATTACK.additionalCloudRoles],
  },
  selectors: [{ eventSource: "sso.amazonaws.com", eventNames: Object.keys(CHANGES) }],
  evaluate(event, context) {
    const change = CHANGES[event.eventName];
    if (!succeeded(event) || !change) return undefined;
    // A request CloudTrail omitted as too large is said so below, in words; any other missing name is a field Vigil could not read.
    const omitted = event.requestParameters?.omitted === true || event.requestParameters?.omitted === "true";
    const arn =
      permissionSetArn(event) ??
      (omitted ? "unknown" : need(event, ["requestParameters.permissionSetArn", "responseElements.permissionSet.permissionSetArn"], "which permission set was changed"));
    const instance = requestString(event, "instanceArn") ?? "<unknown instance>";
    const where = event.eventName === "ProvisionPermissionSet" ? ` ${provisionTarget(event)}` : "";
    const base = `${principalArn(event)} ${change(event)} ${arn} (instance ${instance})${where}`;
    const resource = arn;

    if (event.eventName === "AttachManagedPolicyToPermissionSet" && ADMINISTRATOR_ACCESS.test(requestString(event, "managedPolicyArn") ?? "")) {
      return { severity: "CRITICAL", resource, summary: `${base}: full access to every action on every resource in every account it is assigned to.` };
    }
    if (event.eventName !== "PutInlinePolicyToPermissionSet") return { resource, summary: `${base}.` };

    const verdict = inlineVerdict(event, context.actions);
    const outcome: Record<InlineVerdict["kind"], { severity: Severity; says: string }> = {
      admin: { severity: "CRITICAL", says: ", which allows every action on every resource" },
      bounded: { severity: "HIGH", says: "" },
      unreadable: { severity: "HIGH", says: `; the policy could not be analysed: ${verdict.kind === "unreadable" ? verdict.why : ""}` },
    };
    const { severity, says } = outcome[verdict.kind];
    const when = verdict.kind === "admin" && verdict.conditional ? " when its condition holds" : "";
    return { severity, resource, summary: `${base}${says}${when}.`, details: { inlinePolicy: verdict } };
  },
});

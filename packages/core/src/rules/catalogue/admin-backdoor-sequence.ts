import * as z from "zod";
import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, succeeded } from "../../event/principal.ts";
import { policyChangeOf } from "../../policy/policyChange.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule, type RuleContext, type SequenceStepMatch } from "../Rule.ts";

/** Only this AWS managed policy is known from the event alone to be full admin; a customer managed policy's document is not in the call. */
const ADMINISTRATOR_ACCESS = /^arn:aws[a-z-]*:iam::aws:policy\/AdministratorAccess$/;

const ATTACH = { AttachUserPolicy: { key: "userName", kind: "user" }, AttachRolePolicy: { key: "roleName", kind: "role" } } as const;
const INLINE = { PutUserPolicy: { key: "userName", kind: "user" }, PutRolePolicy: { key: "roleName", kind: "role" } } as const;
const CREATE = { CreateUser: { key: "userName", kind: "user" }, CreateRole: { key: "roleName", kind: "role" } } as const;
/** Credentials for a user: only when the call names the user (without one, it is the caller's own). */
const CREDENTIALS = { CreateLoginProfile: "a console password", CreateAccessKey: "an access key" } as const;

/**
 * Stratus Red Team's persistence techniques (aws.persistence.iam-create-admin-user,
 * aws.persistence.iam-create-backdoor-role, aws.persistence.iam-create-user-login-profile) and
 * Panther's and Elastic's matching detections: an identity that did not exist minutes ago now holds
 * full admin. Each call alone is reported by its own rule (iam-user-created, admin-policy-attached,
 * policy-grants-full-admin, user-added-to-admin-group, access-key-created); the sequence is one
 * CRITICAL finding that names every step, so the attack reads as one story.
 */
export const adminBackdoorSequence = defineRule({
  kind: "sequence",
  meta: {
    id: "admin-backdoor-sequence",
    title: "New user or role made full admin within minutes",
    severity: "CRITICAL",
    description:
      "Within a short window, an IAM user or role was created and given full administrator rights (AdministratorAccess attached, an inline policy allowing every action on every resource, or membership of a privileged group), and for a user possibly a console password or an access key. This is how attackers plant a backdoor that outlives the credentials they came in with. The steps may come from different callers and arrive in any order; the finding names each one.",
    remediation:
      "Confirm with the caller(s) that the new identity was planned. If not: delete its access keys and login profile (or the role's trust policy), detach its policies, delete it, and then investigate the callers' credentials, which are compromised. Add an `ignore` entry for the provisioning pipeline that creates admin roles by design (see the finding's suggestion), and tune `windowMinutes`.",
    references: [ATTACK.createCloudAccount, ATTACK.additionalCloudRoles, ATTACK.additionalCloudCredentials, CIS.noFullAdmin],
  },
  selectors: [
    {
      eventSource: "iam.amazonaws.com",
      eventNames: [...Object.keys(CREATE), ...Object.keys(ATTACH), ...Object.keys(INLINE), "AddUserToGroup", ...Object.keys(CREDENTIALS)],
    },
  ],
  params: z.strictObject({ windowMinutes: z.number().positive().default(60) }),
  required: ["create", "admin"],
  step(event, context) {
    if (!succeeded(event)) return undefined;
    return created(event) ?? madeAdmin(event, context) ?? credentials(event);
  },
  describe(key, steps, { params }) {
    const kind = key.includes(":user/") ? "IAM user" : "IAM role";
    const name = key.slice(key.lastIndexOf("/") + 1);
    const withCredentials = steps.some((step) => step.step === "credentials");
    return {
      resource: key,
      summary: `The ${kind} ${name} was created and made full admin${withCredentials ? ", with credentials," : ""} within ${params.windowMinutes} minutes: ${steps.map((step) => step.summary).join("; ")}.`,
      details: { steps: steps.map((step) => ({ step: step.step, eventId: step.id, at: new Date(step.t).toISOString(), summary: step.summary })) },
    };
  },
});

function arn(event: CloudTrailEvent, kind: "user" | "role", name: string): string {
  return `arn:aws:iam::${eventAccount(event)}:${kind}/${name}`;
}

function by(event: CloudTrailEvent): string {
  return `by ${principalArn(event)}${event.eventTime ? ` at ${event.eventTime}` : ""}`;
}

function created(event: CloudTrailEvent): SequenceStepMatch | undefined {
  const target = CREATE[event.eventName as keyof typeof CREATE];
  if (!target) return undefined;
  const name = need(event, `requestParameters.${target.key}`, `which IAM ${target.kind} was created`);
  return { key: arn(event, target.kind, name), step: "create", summary: `${event.eventName} ${by(event)}` };
}

function madeAdmin(event: CloudTrailEvent, context: RuleContext<unknown>): SequenceStepMatch | undefined {
  const attach = ATTACH[event.eventName as keyof typeof ATTACH];
  if (attach) {
    const policyArn = need(event, "requestParameters.policyArn", "which policy was attached");
    if (!ADMINISTRATOR_ACCESS.test(policyArn)) return undefined;
    const name = need(event, `requestParameters.${attach.key}`, `which IAM ${attach.kind} was given AdministratorAccess`);
    return { key: arn(event, attach.kind, name), step: "admin", summary: `AdministratorAccess attached ${by(event)}` };
  }
  const inline = INLINE[event.eventName as keyof typeof INLINE];
  if (inline) {
    // A document CloudTrail did not keep is reported by policy-document-omitted; here it cannot be told admin.
    if (!policyChangeOf(event, context.actions)?.permissions?.fullAdmin) return undefined;
    const name = need(event, `requestParameters.${inline.key}`, `which IAM ${inline.kind} was given a full-admin inline policy`);
    const policy = requestString(event, "policyName");
    return { key: arn(event, inline.kind, name), step: "admin", summary: `inline policy ${policy ?? "(unnamed)"} allowing every action on every resource put ${by(event)}` };
  }
  if (event.eventName === "AddUserToGroup") {
    const group = need(event, "requestParameters.groupName", "whether the group is privileged");
    if (!context.settings.privilegedGroupPatterns.some((pattern) => pattern.test(group))) return undefined;
    const name = need(event, "requestParameters.userName", `which IAM user joined the privileged group ${group}`);
    return { key: arn(event, "user", name), step: "admin", summary: `added to the privileged group ${group} ${by(event)}` };
  }
  return undefined;
}

function credentials(event: CloudTrailEvent): SequenceStepMatch | undefined {
  const what = CREDENTIALS[event.eventName as keyof typeof CREDENTIALS];
  const name = what ? requestString(event, "userName") : undefined;
  if (!what || !name) return undefined;
  return { key: arn(event, "user", name), step: "credentials", summary: `${what} created ${by(event)}` };
}

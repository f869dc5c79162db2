import { need } from "../../event/needField.ts";
import { principalArn, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** Stands in for a field the record does not carry, so the finding still says what is missing. */
const UNKNOWN = "unknown";

export const rootSessionAssumed = defineRule({
  kind: "event",
  meta: {
    id: "root-session-assumed",
    title: "Root session started on a member account",
    severity: "HIGH",
    description:
      "A principal of the management account or of the delegated administrator for IAM called STS AssumeRoot: it now holds short-term root credentials of a member account (up to 15 minutes), scoped by a root-task policy such as IAMDeleteRootUserCredentials or S3UnlockBucketPolicy. Centralized root access (2024) exists for these privileged tasks, so every session should match a change ticket. The finding names the member account or principal and the task policy.",
    remediation:
      "Confirm the task was planned. Review the member account's CloudTrail for what the root session did (its events carry the caller's session in userIdentity). Limit sts:AssumeRoot with an SCP or permissions policy to the people who run these tasks, and to the task policies they need.",
    // Sources: STS API Reference, AssumeRoot (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoot.html);
    // IAM User Guide, "Centralize root access for member accounts" (id_root-enable-root-access.html) and
    // "Track privileged tasks in CloudTrail" (cloudtrail-track-privileged-tasks.html).
    references: [CIS.rootUsageMonitored, ATTACK.cloudAccounts, ATTACK.temporaryElevatedAccess],
  },
  selectors: [{ eventSource: "sts.amazonaws.com", eventNames: ["AssumeRoot"] }],
  evaluate(event) {
    if (!succeeded(event)) return undefined;
    const target = requestString(event, "targetPrincipal") ?? need(event, "requestParameters.targetPrincipal", "which member account's root user the session is for");
    const policy = taskPolicyArn(event.requestParameters?.taskPolicyArn);
    const missing = [...(target ? [] : ["targetPrincipal"]), ...(policy ? [] : ["taskPolicyArn"])];
    return {
      resource: target ? rootArnOf(target) : UNKNOWN,
      summary:
        `${principalArn(event)} started a root session on ${target ?? "an unknown member account"}` +
        ` with the task policy ${policy ?? UNKNOWN}.` +
        (missing.length > 0 ? ` The record does not say ${missing.join(" or ")}.` : ""),
      details: { targetPrincipal: target ?? UNKNOWN, taskPolicyArn: policy ?? UNKNOWN, ...(missing.length > 0 ? { missing } : {}) },
    };
  },
});

/** The API takes a PolicyDescriptorType (`{"arn": ...}`); a bare string is read too. */
function taskPolicyArn(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "object" && value !== null && typeof (value as Record<string, unknown>).arn === "string") {
    return (value as Record<string, string>).arn;
  }
  return undefined;
}

/** TargetPrincipal is "the member account principal ARN or account ID": an id is named by its root ARN. */
function rootArnOf(target: string): string {
  return /^\d{12}$/.test(target) ? `arn:aws:iam::${target}:root` : target;
}

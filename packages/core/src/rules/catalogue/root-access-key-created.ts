import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { eventAccount, isRoot, requestString, succeeded } from "../../event/principal.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

/** The id of the key a CreateAccessKey call returned (`responseElements.accessKey.accessKeyId`). */
export function createdAccessKeyId(event: CloudTrailEvent): string | undefined {
  const accessKey = event.responseElements?.accessKey;
  if (typeof accessKey !== "object" || accessKey === null) return undefined;
  const id = (accessKey as Record<string, unknown>).accessKeyId;
  return typeof id === "string" ? id : undefined;
}

/**
 * Root called CreateAccessKey without naming a user, so the key is root's own. Shared with
 * `access-key-created` and `root-activity`, which leave this case to this rule.
 */
export function createsRootAccessKey(event: CloudTrailEvent): boolean {
  return isRoot(event) && event.eventName === "CreateAccessKey" && requestString(event, "userName") === undefined;
}

export const rootAccessKeyCreated = defineRule({
  kind: "event",
  meta: {
    id: "root-access-key-created",
    title: "Access key created for the root user",
    severity: "CRITICAL",
    description:
      "The root user created an access key for itself. A root access key gives unrestricted, long-lived programmatic access to the whole account that no IAM policy can limit, and it is easily leaked from a script or a laptop.",
    remediation:
      "Confirm with the account owner whether this key is needed; it almost never is. Deactivate and delete it (Security credentials of the root user), review every call made with it, and use an IAM role for the task instead. If the creation was not expected, also reset the root password and MFA.",
    references: [CIS.rootAccessKeys, CIS.rootUsageMonitored, ATTACK.additionalCloudCredentials],
  },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateAccessKey"], identityTypes: ["Root"] }],
  evaluate(event) {
    if (!succeeded(event) || !createsRootAccessKey(event)) return undefined;
    const keyId = createdAccessKeyId(event);
    const from = event.sourceIPAddress ? ` from ${event.sourceIPAddress}` : "";
    return {
      resource: `arn:aws:iam::${eventAccount(event)}:root`,
      summary: `The root user created ${keyId ? `access key ${keyId}` : "an access key"} for itself${from}.`,
      ...(keyId ? { details: { accessKeyId: keyId } } : {}),
    };
  },
});

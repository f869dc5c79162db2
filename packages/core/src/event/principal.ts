import type { CloudTrailEvent } from "./CloudTrailEvent.ts";

/** ARN of whoever made the call: the IAM user, the assumed-role session, root, or the AWS service. */
export function principalArn(event: CloudTrailEvent): string {
  return identifiedCaller(event) ?? event.userIdentity.type ?? "unknown";
}

/**
 * The caller, when the record names one; undefined for an anonymous call (type only) or a record
 * with no caller (an Insight), so that counting per principal never lumps strangers together.
 */
export function identifiedCaller(event: CloudTrailEvent): string | undefined {
  const identity = event.userIdentity;
  if (identity.arn) return identity.arn;
  if (identity.type === "Root" && identity.accountId) return `arn:aws:iam::${identity.accountId}:root`;
  // A service event's identity has no type, only the service that acted: `invokedBy`.
  if ((identity.type === "AWSService" || identity.type === undefined) && identity.invokedBy) return identity.invokedBy;
  if (identity.type === "IAMUser" && identity.userName && identity.accountId) {
    return `arn:aws:iam::${identity.accountId}:user/${identity.userName}`;
  }
  return identity.principalId ?? identity.userName;
}

/** The role behind an assumed-role session, so ignore patterns can name the role rather than each session. */
export function issuerArn(event: CloudTrailEvent): string | undefined {
  return event.userIdentity.sessionContext?.sessionIssuer?.arn;
}

export function isRoot(event: CloudTrailEvent): boolean {
  return event.userIdentity.type === "Root";
}

/** The account the event belongs to: where it was recorded, else the caller's. */
export function eventAccount(event: CloudTrailEvent): string {
  return event.recipientAccountId ?? event.userIdentity.accountId ?? "unknown";
}

/** The shared guard of detection-as-code: a call that AWS refused changed nothing. */
export function succeeded(event: CloudTrailEvent): boolean {
  return event.errorCode === undefined || event.errorCode === "";
}

/** The IAM user name the caller acts as, when the caller is an IAM user. */
export function callerUserName(event: CloudTrailEvent): string | undefined {
  return event.userIdentity.type === "IAMUser" ? event.userIdentity.userName : undefined;
}

/** Reads a string field of requestParameters defensively. */
export function requestString(event: CloudTrailEvent, key: string): string | undefined {
  const value = event.requestParameters?.[key];
  return typeof value === "string" ? value : undefined;
}

export function additionalString(event: CloudTrailEvent, key: string): string | undefined {
  const value = event.additionalEventData?.[key];
  return typeof value === "string" ? value : undefined;
}

export function responseString(event: CloudTrailEvent, key: string): string | undefined {
  const value = event.responseElements?.[key];
  return typeof value === "string" ? value : undefined;
}

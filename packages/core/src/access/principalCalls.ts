import { identityOf } from "./principalPolicies.ts";

/** The user or role whose calls are gathered: IAM ARN, or a role session's ARN. */
export type PrincipalIdentity = NonNullable<ReturnType<typeof identityOf>>;

/**
 * Did this principal make the call? A user's own calls, or a role's calls through any of its
 * sessions: CloudTrail names the session (`assumed-role/NAME/SESSION`) and, under
 * `sessionContext.sessionIssuer`, the role itself. The path and the session name do not count.
 */
export function madeBy(userIdentity: unknown, wanted: PrincipalIdentity): boolean {
  if (userIdentity === null || typeof userIdentity !== "object") return false;
  const identity = userIdentity as { arn?: unknown; sessionContext?: { sessionIssuer?: { arn?: unknown } | null } | null };
  const issuer = identity.sessionContext?.sessionIssuer?.arn;
  return [identity.arn, issuer].some((arn) => {
    if (typeof arn !== "string") return false;
    const found = identityOf(arn);
    return found !== undefined && found.account === wanted.account && found.kind === wanted.kind && found.name === wanted.name;
  });
}

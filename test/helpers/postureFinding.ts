import { type Finding, findingId, type Severity } from "@vigil/core";

export interface PostureFindingOptions {
  severity?: Severity;
  /** The run that made it (detectedAt and lastSeenAt); 2026-11-20T09:00:00.000Z when absent. */
  at?: string;
  account?: string;
}

/**
 * A posture finding as runPostureChecks makes it for a check about an IAM user: no event fields, the
 * id from the check and the resource's key, stamped with its run.
 */
export function postureFinding(checkId: string, user: string, options: PostureFindingOptions = {}, overrides: Partial<Finding> = {}): Finding {
  const { severity = "MEDIUM", at = "2026-11-20T09:00:00.000Z", account = "111122223333" } = options;
  const arn = `arn:aws:iam::${account}:user/${user}`;
  return {
    id: findingId(checkId, [], `${arn}#${checkId}`),
    ruleId: checkId,
    title: `${checkId} title`,
    severity,
    status: "open",
    account,
    region: "us-east-1",
    principal: arn,
    resource: arn,
    summary: `${user} matches ${checkId}.`,
    description: "Why it matters.",
    remediation: "What to do.",
    references: [],
    detectedAt: at,
    lastSeenAt: at,
    ...overrides,
  };
}

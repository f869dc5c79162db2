import type { IgnoreEntry } from "../config/ignoreEntry.ts";
import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import { identifiedCaller, issuerArn } from "../event/principal.ts";
import { infrastructureAsCodeTool } from "./infrastructureAsCode.ts";

/** Left for the reviewer to replace: the file takes no entry without a reason, and only a person knows it. */
export const SILENCE_REASON_PLACEHOLDER = "REPLACE: why these calls are expected and who reviewed it";

/**
 * The narrowest ignore entry that silences this rule's finding on this event, as the file takes
 * it, or undefined when the caller is anonymous (an entry naming "AWSAccount" or "unknown" would
 * silence every stranger). Always one principal (a role session's role, so the next session is
 * covered too) and one rule; narrower still when a service acted for the principal (invokedBy) or an
 * infrastructure-as-code tool made the call (userAgent), since that is the traffic that was expected.
 */
export function silenceWith(ruleId: string, event: CloudTrailEvent): IgnoreEntry | undefined {
  const principal = issuerArn(event) ?? identifiedCaller(event);
  if (principal === undefined) return undefined;
  const service = event.userIdentity.invokedBy;
  if (service) return { invokedBy: service, principal, rules: [ruleId], reason: SILENCE_REASON_PLACEHOLDER };
  const tool = event.userAgent === undefined ? undefined : infrastructureAsCodeTool(event.userAgent);
  if (tool) return { principal, userAgent: tool.userAgent, rules: [ruleId], reason: SILENCE_REASON_PLACEHOLDER };
  return { principal, rules: [ruleId], reason: SILENCE_REASON_PLACEHOLDER };
}

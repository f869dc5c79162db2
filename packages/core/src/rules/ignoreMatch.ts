import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import { issuerArn, principalArn } from "../event/principal.ts";
import type { IgnoreRule } from "./EffectiveConfig.ts";

/** False once the entry's `expires` has passed: an exception someone meant to revisit stops hiding findings on its own. */
export function isActive(rule: IgnoreRule, now: Date): boolean {
  return rule.expiresAt === undefined || now.getTime() < rule.expiresAt;
}

/** True when the entry, still active at `now`, covers this rule and every matcher it gives matches the event. */
export function silencesEvent(rule: IgnoreRule, ruleId: string, event: CloudTrailEvent, now: Date): boolean {
  if ((rule.rules && !rule.rules.has(ruleId)) || !isActive(rule, now)) return false;
  const { principal, userAgent, invokedBy, sourceIp } = rule;
  if (principal && ![principalArn(event), issuerArn(event)].some((arn) => arn !== undefined && principal.test(arn))) return false;
  if (userAgent && !(event.userAgent !== undefined && userAgent.test(event.userAgent))) return false;
  const service = event.userIdentity.invokedBy;
  if (invokedBy && !(service !== undefined && invokedBy.test(service))) return false;
  return !sourceIp || sourceIp.has(event.sourceIPAddress);
}

/**
 * True when the entry, still active at `now`, spares this principal where there is no event (posture
 * findings, key remediation). An entry that also names a user agent, a service or an address speaks
 * only of calls made that way, so it says nothing about the principal as such.
 */
export function sparesPrincipal(rule: IgnoreRule, principal: string, now: Date): boolean {
  const eventOnly = rule.userAgent !== undefined || rule.invokedBy !== undefined || rule.sourceIp !== undefined;
  return !eventOnly && rule.principal !== undefined && isActive(rule, now) && rule.principal.test(principal);
}

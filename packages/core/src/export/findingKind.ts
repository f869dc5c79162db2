import type { Finding } from "../findings/Finding.ts";

/**
 * Event findings come from CloudTrail and name their event; posture findings come from a scheduled
 * check of the account's state and have none (see Finding). The formats describe the two differently.
 */
export function findingKind(finding: Pick<Finding, "eventId" | "eventName">): "event" | "posture" {
  return finding.eventId === undefined && finding.eventName === undefined ? "posture" : "event";
}

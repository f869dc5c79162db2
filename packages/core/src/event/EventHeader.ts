/**
 * The fields selectors read: enough to triage a record before it is fully parsed. Defined with the
 * event model, since parsing checks a record has them and the engine's selectors match on them.
 */
export interface EventHeader {
  eventSource: string;
  eventName: string;
  /** Absent type: an AWS service event; absent identity: an Insights event. */
  userIdentity?: { type?: string | undefined } | undefined;
  errorCode?: string | undefined;
  eventType?: string | undefined;
  eventCategory?: string | undefined;
}

/**
 * CloudTrail Insights records: a statistic about a burst of calls, not a call (see selectorIndex).
 * Trails mark them with eventType, event data stores also with eventCategory, and only they carry
 * insightDetails; any one of the three will do.
 */
export function isInsight(record: { eventType?: unknown; eventCategory?: unknown; insightDetails?: unknown }): boolean {
  return (
    record.eventType === "AwsCloudTrailInsight" ||
    record.eventCategory === "Insight" ||
    (typeof record.insightDetails === "object" && record.insightDetails !== null)
  );
}

/** Network activity records: a call seen at a VPC endpoint, which its management or data event records in full. */
export const NETWORK_ACTIVITY_CATEGORY = "NetworkActivity";

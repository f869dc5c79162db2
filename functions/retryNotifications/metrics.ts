import { NOTIFICATION_FAILURES } from "../shared/metricNames.ts";

/** The sweep's metrics that its stack module alarms on (Powertools adds the `service` dimension). */
export const RETRY_METRICS = {
  /** Findings the sweep claimed and still could not publish. */
  notificationFailures: NOTIFICATION_FAILURES,
  /** Seconds since the oldest of those was detected; 0 when the sweep delivered all it claimed. */
  oldestUndeliveredAge: "OldestUndeliveredAgeSeconds",
} as const;

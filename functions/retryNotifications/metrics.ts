/** The sweep's metrics that its stack module alarms on (Powertools adds the `service` dimension). */
export const RETRY_METRICS = {
  /** Findings the sweep claimed and still could not publish. */
  notificationFailures: "NotificationFailures",
  /** Seconds since the oldest of those was detected; 0 when the sweep delivered all it claimed. */
  oldestUndeliveredAge: "OldestUndeliveredAgeSeconds",
} as const;

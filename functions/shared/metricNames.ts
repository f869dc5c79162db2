/** Findings a function could not notify (SNS publish, Slack post): emitted by evaluate, posture, the sweep and notifySlack; the sweep's is alarmed on. */
export const NOTIFICATION_FAILURES = "NotificationFailures";

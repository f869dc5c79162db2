import type { DeliveryReport } from "@vigil/monitor";
import { count } from "./countMetrics.ts";
import { NOTIFICATION_FAILURES } from "./metricNames.ts";
import { logger } from "./observability.ts";

/** Failed notifications as a log field: each finding's id and the error's message. */
export function failureSummary(failed: DeliveryReport["failed"]): { id: string; error: string }[] {
  return failed.map(({ id, error }) => ({ id, error: (error as Error).message }));
}

/** Counts and logs the findings a run could not publish; they stay pending for the retry sweep. */
export function reportNotificationFailures(failed: DeliveryReport["failed"], fields: Record<string, unknown> = {}): void {
  if (failed.length === 0) return;
  count(NOTIFICATION_FAILURES, failed.length);
  logger.warn("notifications failed; the retry sweep will publish them", { ...fields, failed: failureSummary(failed) });
}

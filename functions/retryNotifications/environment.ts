import { arn, exportChanges, tableName } from "../shared/env.ts";

/** What the retry sweep reads from its environment; stacks/monitor/retryNotificationsFunction.ts sets exactly these. */
export const retryNotificationsEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  TOPIC_ARN: arn,
  /** "true" when creations and status changes are marked for the export sweep. */
  EXPORT_CHANGES: exportChanges,
};

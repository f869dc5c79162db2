import { arn, exportChanges, json, retentionDays, tableName } from "../shared/env.ts";

/** What the findings API reads from its environment; stacks/monitor/apiFunction.ts sets exactly these. */
export const apiEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  CURSOR_SECRET_ARN: arn,
  VIGIL_CONFIG: json.default({}),
  RETENTION_DAYS: retentionDays,
  /** "true" when creations and status changes are marked for the export sweep. */
  EXPORT_CHANGES: exportChanges,
};

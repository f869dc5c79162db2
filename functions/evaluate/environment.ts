import { arn, exportChanges, json, retentionDays, tableName } from "../shared/env.ts";

/** What evaluate reads from its environment; stacks/monitor/evaluateFunction.ts sets exactly these. */
export const evaluateEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  STATE_TABLE_NAME: tableName,
  TOPIC_ARN: arn,
  VIGIL_CONFIG: json.default({}),
  RETENTION_DAYS: retentionDays,
  /** "true" when creations and status changes are marked for the export sweep. */
  EXPORT_CHANGES: exportChanges,
  /** Organization mode (`{ id, managementAccountId, auditRoleName, postureConcurrency }`); one account when absent. */
  ORGANIZATION: json.optional(),
};

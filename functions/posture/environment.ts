import { DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN } from "@vigil/aws-iam";
import * as z from "zod";
import { arn, exportChanges, json, retentionDays, tableName } from "../shared/env.ts";

/** What the posture run reads from its environment besides Lambda's AWS_REGION; stacks/monitor/postureFunction.ts sets exactly these. */
export const postureEnvironment = {
  FINDINGS_TABLE_NAME: tableName,
  TOPIC_ARN: arn,
  VIGIL_CONFIG: json.default({}),
  RETENTION_DAYS: retentionDays,
  /** "true" when creations and status changes are marked for the export sweep. */
  EXPORT_CHANGES: exportChanges,
  /** `{ enabled, olderThanDays, dryRun }`; remediation is off when absent. */
  REMEDIATION: json.default({}),
  /** Access Advisor jobs per account and run at most (the stage's accessAdvisorJobsPerRun); 0 turns it off. */
  ACCESS_ADVISOR_JOBS_PER_RUN: z.coerce.number().int().min(0).default(DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN),
  /** Organization mode (`{ id, managementAccountId, auditRoleName, postureConcurrency }`); one account when absent. */
  ORGANIZATION: json.optional(),
  /** Organization mode: where the organization's inventory is kept. */
  STATE_TABLE_NAME: tableName.optional(),
};

import type { AsffResourceType, AwsPartition } from "./resourceArn.ts";

/**
 * The part of the AWS Security Finding Format Vigil writes: what BatchImportFindings takes
 * (https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html).
 */
export interface AsffFinding {
  SchemaVersion: "2018-10-08";
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: AsffSeverityLabel; Original: string };
  Title: string;
  Description: string;
  Remediation: { Recommendation: { Text: string; Url?: string } };
  SourceUrl: string;
  ProductFields: Record<string, string>;
  UserDefinedFields?: Record<string, string>;
  Resources: { Type: AsffResourceType; Id: string; Partition: AwsPartition; Region: string }[];
  Compliance?: { Status?: "PASSED" | "FAILED"; RelatedRequirements?: string[] };
  Workflow: { Status: AsffWorkflowStatus };
  RecordState: "ACTIVE" | "ARCHIVED";
}

export type AsffSeverityLabel = "INFORMATIONAL" | "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
export type AsffWorkflowStatus = "NEW" | "NOTIFIED" | "SUPPRESSED" | "RESOLVED";

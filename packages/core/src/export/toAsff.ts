import { InvalidInputError } from "../errors.ts";
import { isAwsRegion } from "../findings/awsRegion.ts";
import { eventConsoleUrl, iamConsoleUrl } from "../findings/consoleUrl.ts";
import type { Finding, FindingStatus } from "../findings/Finding.ts";
import { formatReference } from "../findings/Reference.ts";
import { CIS_AWS_BENCHMARK_URL, referenceUrl } from "../findings/referenceUrl.ts";
import type { Severity } from "../findings/Severity.ts";
import type { AsffFinding, AsffSeverityLabel, AsffWorkflowStatus } from "./AsffFinding.ts";
import { ASFF_LIMITS } from "./asffLimits.ts";
import { asffTypes } from "./asffTypes.ts";
import { isoTime } from "./awsTime.ts";
import { clip } from "./clip.ts";
import { findingKind } from "./findingKind.ts";
import { describeResource, partitionOf } from "./resourceArn.ts";

export interface AsffOptions {
  /** The Security Hub region the finding is imported into: the region of ProductArn. */
  region: string;
  /** When the finding last changed (its latest triage); its lastSeenAt or detectedAt when absent. */
  updatedAt?: string;
}

const ACCOUNT = /^\d{12}$/;
const SEVERITY_LABEL: Record<Severity, AsffSeverityLabel> = { CRITICAL: "CRITICAL", HIGH: "HIGH", MEDIUM: "MEDIUM", LOW: "LOW", INFO: "INFORMATIONAL" };
/** A reopened finding is open again, so it is NEW and ACTIVE again; only a resolved one is archived. */
const LIFECYCLE: Record<FindingStatus, { workflow: AsffWorkflowStatus; record: "ACTIVE" | "ARCHIVED" }> = {
  open: { workflow: "NEW", record: "ACTIVE" },
  acknowledged: { workflow: "NOTIFIED", record: "ACTIVE" },
  suppressed: { workflow: "SUPPRESSED", record: "ACTIVE" },
  resolved: { workflow: "RESOLVED", record: "ARCHIVED" },
};
const CIS_STANDARD = "CIS AWS Foundations Benchmark v3.0.0";

/**
 * A Vigil finding in the AWS Security Finding Format, for BatchImportFindings into the account's
 * default product (`arn:<partition>:securityhub:<region>:<account>:product/<account>/default`). Every
 * required top-level attribute is set ("Required top-level ASFF attributes",
 * https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html) and every
 * text is cut to its limit (ASFF_LIMITS). Re-importing the same Id updates the finding in place.
 *
 * @throws InvalidInputError when the region is not a region name or an account is not 12 digits.
 */
export function toAsff(finding: Finding, options: AsffOptions): AsffFinding {
  const { region } = options;
  if (!isAwsRegion(region)) throw new InvalidInputError(`not an AWS region: "${region}"`, "region", { source: "ASFF export" });
  if (!ACCOUNT.test(finding.account)) throw new InvalidInputError(`not a 12-digit AWS account id: "${finding.account}"`, "account", { source: "ASFF export" });

  const posture = findingKind(finding) === "posture";
  const created = isoTime(finding.eventTime ?? finding.detectedAt, finding.eventTime ? "eventTime" : "detectedAt");
  const lastSeen = isoTime(finding.lastSeenAt ?? finding.eventTime ?? finding.detectedAt, "lastSeenAt");
  const resource = describeResource(finding.resource, finding.region);
  const cis = finding.references.filter((reference) => reference.framework === CIS_STANDARD);
  const lifecycle = LIFECYCLE[finding.status];
  const userFields = userDefinedFields(finding);
  return {
    SchemaVersion: "2018-10-08",
    Id: finding.id,
    ProductArn: `arn:${partitionOf(region)}:securityhub:${region}:${finding.account}:product/${finding.account}/default`,
    GeneratorId: finding.ruleId,
    AwsAccountId: finding.account,
    Types: asffTypes(finding).slice(0, ASFF_LIMITS.types),
    CreatedAt: created,
    UpdatedAt: isoTime(options.updatedAt ?? finding.lastSeenAt ?? finding.detectedAt, "updatedAt"),
    FirstObservedAt: created,
    LastObservedAt: lastSeen,
    Severity: { Label: SEVERITY_LABEL[finding.severity], Original: finding.severity },
    Title: clip(finding.title.trim() || finding.ruleId, ASFF_LIMITS.title),
    // Description must hold a non-blank character; the summary is the finding's own account of itself.
    Description: clip(finding.summary.trim() || finding.title.trim() || finding.ruleId, ASFF_LIMITS.description),
    Remediation: { Recommendation: recommendation(finding) },
    SourceUrl: finding.eventId
      ? eventConsoleUrl({ region: finding.region, eventId: finding.eventId })
      : (iamConsoleUrl(finding.resource) ?? "https://console.aws.amazon.com/iam/home#/home"),
    ProductFields: productFields(finding),
    ...(userFields ? { UserDefinedFields: userFields } : {}),
    Resources: [{ Type: resource.asffType, Id: resource.id, Partition: resource.partition, Region: resource.region }],
    // Only a posture check is a compliance check with a result; an event finding names the controls
    // its event touched, without a pass or fail of its own.
    ...(cis.length > 0 || posture
      ? {
          Compliance: {
            ...(posture ? { Status: finding.status === "resolved" ? ("PASSED" as const) : ("FAILED" as const) } : {}),
            ...(cis.length > 0
              ? { RelatedRequirements: cis.slice(0, ASFF_LIMITS.relatedRequirements).map((reference) => clip(`${CIS_STANDARD}/${reference.id}`, ASFF_LIMITS.relatedRequirement)) }
              : {}),
          },
        }
      : {}),
    Workflow: { Status: lifecycle.workflow },
    RecordState: lifecycle.record,
  };
}

/** The remediation text, and the first reference with a public page: the ATT&CK technique, else the CIS benchmark's page. */
function recommendation(finding: Finding): { Text: string; Url?: string } {
  const url = finding.references.map(referenceUrl).find((link) => link !== undefined) ?? (finding.references.length > 0 ? CIS_AWS_BENCHMARK_URL : undefined);
  return { Text: clip(finding.remediation.trim() || finding.title, ASFF_LIMITS.recommendationText), ...(url ? { Url: url } : {}) };
}

/** Vigil's own fields, under `vigil/`, blank ones left out; far below the 50 pairs ASFF allows. */
function productFields(finding: Finding): Record<string, string> {
  const fields: Record<string, string | undefined> = {
    "vigil/ruleId": finding.ruleId,
    "vigil/status": finding.status,
    "vigil/principal": finding.principal,
    "vigil/resource": finding.resource,
    "vigil/eventName": finding.eventName,
    "vigil/eventSource": finding.eventSource,
    "vigil/eventId": finding.eventId,
    "vigil/eventIds": finding.eventIds && joinWhole(finding.eventIds, ASFF_LIMITS.fieldValue),
    "vigil/eventCount": finding.eventIds && String(finding.eventIds.length),
    "vigil/sourceIPAddress": finding.sourceIPAddress,
    "vigil/detectedAt": finding.detectedAt,
    "vigil/references": finding.references.map(formatReference).join(", "),
  };
  return limitedFields(fields);
}

/** The organization's names for the account, which the customer chose, when Vigil knows them. */
function userDefinedFields(finding: Finding): Record<string, string> | undefined {
  if (!finding.accountName && !finding.ouPath) return undefined;
  return limitedFields({ accountName: finding.accountName, ouPath: finding.ouPath });
}

function limitedFields(fields: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || !value.trim()) continue;
    kept[clip(key, ASFF_LIMITS.fieldKey)] = clip(value, ASFF_LIMITS.fieldValue);
  }
  return kept;
}

/** Ids joined with commas, as many whole ones as fit: a cut id would name an event that does not exist (the count says how many there are). */
function joinWhole(ids: readonly string[], max: number): string {
  let joined = "";
  for (const id of ids) {
    const next = joined ? `${joined},${id}` : id;
    if (next.length > max) break;
    joined = next;
  }
  return joined;
}

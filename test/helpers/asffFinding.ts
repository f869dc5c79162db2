/**
 * What BatchImportFindings asks of a finding, written from the AWS documentation (not from Vigil's
 * code), so the export is checked against the source:
 * - required top-level attributes: https://docs.aws.amazon.com/securityhub/latest/userguide/asff-required-attributes.html
 * - lengths, counts and enums: https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html
 *   (and its Severity, Recommendation, Compliance, Resource, Workflow pages)
 * - Types as namespace/category/classifier: https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-type-taxonomy.html
 * - a product's findings: https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-asff-mapping.html
 */
const REQUIRED = ["AwsAccountId", "CreatedAt", "Description", "GeneratorId", "Id", "ProductArn", "Resources", "SchemaVersion", "Severity", "Title", "Types", "UpdatedAt"];
const NAMESPACES = ["Software and Configuration Checks", "TTPs", "Effects", "Unusual Behaviors", "Sensitive Data Identifications"];
const SEVERITY_LABELS = ["INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"];
const WORKFLOW = ["NEW", "NOTIFIED", "SUPPRESSED", "RESOLVED"];
const RECORD_STATES = ["ACTIVE", "ARCHIVED"];
const COMPLIANCE = ["PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"];
const PARTITIONS = ["aws", "aws-cn", "aws-us-gov"];
/** The resource types Vigil's findings use among the many ASFF defines; anything else must be Other. */
const RESOURCE_TYPES = ["AwsIamUser", "AwsIamRole", "AwsIamPolicy", "AwsIamAccessKey", "AwsIamGroup", "AwsAccount", "Other"];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const NON_BLANK = /\S/;

/** Problems with `value` as one ASFF finding for BatchImportFindings, each with its path; empty when it is fine. */
export function asffProblems(value: unknown): string[] {
  const problems: string[] = [];
  const fail = (path: string, message: string) => problems.push(`${path}: ${message}`);
  if (!isObject(value)) return ["$: not an object"];
  for (const key of REQUIRED) if (value[key] === undefined) fail(key, "required");

  const text = (path: string, item: unknown, max: number, min = 1) => {
    if (typeof item !== "string") return fail(path, "expected a string");
    if (item.length < min || item.length > max) fail(path, `length ${item.length} outside ${min}..${max}`);
    if (min > 0 && !NON_BLANK.test(item)) fail(path, "blank");
  };
  const time = (path: string, item: unknown) => {
    if (typeof item !== "string" || !TIMESTAMP.test(item) || Number.isNaN(Date.parse(item))) fail(path, `not an RFC 3339 timestamp: ${JSON.stringify(item)}`);
  };
  const oneOf = (path: string, item: unknown, allowed: readonly string[]) => {
    if (typeof item !== "string" || !allowed.includes(item)) fail(path, `${JSON.stringify(item)} is not one of ${allowed.join(", ")}`);
  };
  const url = (path: string, item: unknown) => {
    if (typeof item !== "string" || !URL.canParse(item) || !/^https:\/\//.test(item)) fail(path, `not an https URL: ${JSON.stringify(item)}`);
  };

  if (value.SchemaVersion !== "2018-10-08") fail("SchemaVersion", "must be 2018-10-08");
  text("Id", value.Id, 512);
  text("GeneratorId", value.GeneratorId, 512);
  if (typeof value.AwsAccountId !== "string" || !/^\d{12}$/.test(value.AwsAccountId)) fail("AwsAccountId", "must be 12 digits");
  const product = typeof value.ProductArn === "string" ? /^arn:(aws|aws-cn|aws-us-gov):securityhub:([a-z]{2}(-[a-z]+)+-\d+):(\d{12}):product\/(\d{12})\/default$/.exec(value.ProductArn) : null;
  if (!product) fail("ProductArn", `not a default product ARN: ${JSON.stringify(value.ProductArn)}`);
  else if (product[4] !== product[5]) fail("ProductArn", "the default product is product/<account>/default of the same account");
  text("Title", value.Title, 256);
  text("Description", value.Description, 1024);
  for (const key of ["CreatedAt", "UpdatedAt", "FirstObservedAt", "LastObservedAt"]) if (value[key] !== undefined) time(key, value[key]);
  if (typeof value.FirstObservedAt === "string" && typeof value.LastObservedAt === "string" && value.FirstObservedAt > value.LastObservedAt) fail("LastObservedAt", "before FirstObservedAt");

  if (!Array.isArray(value.Types) || value.Types.length < 1 || value.Types.length > 50) fail("Types", "expected 1 to 50 types");
  else
    value.Types.forEach((type, index) => {
      const parts = typeof type === "string" ? type.split("/") : [];
      if (parts.length < 1 || parts.length > 3 || !NAMESPACES.includes(parts[0] ?? "") || parts.some((part) => !part.trim())) fail(`Types[${index}]`, `not namespace[/category[/classifier]]: ${JSON.stringify(type)}`);
    });

  if (!isObject(value.Severity)) fail("Severity", "expected an object");
  else {
    oneOf("Severity.Label", value.Severity.Label, SEVERITY_LABELS);
    if (value.Severity.Original !== undefined) text("Severity.Original", value.Severity.Original, 64);
  }

  if (!Array.isArray(value.Resources) || value.Resources.length < 1 || value.Resources.length > 32) fail("Resources", "expected 1 to 32 resources");
  else
    value.Resources.forEach((resource, index) => {
      const path = `Resources[${index}]`;
      if (!isObject(resource)) return fail(path, "expected an object");
      oneOf(`${path}.Type`, resource.Type, RESOURCE_TYPES);
      text(`${path}.Id`, resource.Id, 512);
      if (resource.Partition !== undefined) oneOf(`${path}.Partition`, resource.Partition, PARTITIONS);
      if (resource.Region !== undefined) text(`${path}.Region`, resource.Region, 16);
      if (typeof resource.Id === "string" && resource.Id.startsWith("arn:") && resource.Type === "Other" && /:iam::\d{12}:(user|role|group|policy)\//.test(resource.Id)) fail(`${path}.Type`, "an IAM ARN has its own type");
    });

  if (value.Remediation !== undefined) {
    const recommendation = isObject(value.Remediation) ? value.Remediation.Recommendation : undefined;
    if (!isObject(recommendation)) fail("Remediation.Recommendation", "expected an object");
    else {
      if (recommendation.Text !== undefined) text("Remediation.Recommendation.Text", recommendation.Text, 512);
      if (recommendation.Url !== undefined) url("Remediation.Recommendation.Url", recommendation.Url);
    }
  }
  if (value.SourceUrl !== undefined) url("SourceUrl", value.SourceUrl);

  for (const key of ["ProductFields", "UserDefinedFields"]) {
    const fields = value[key];
    if (fields === undefined) continue;
    if (!isObject(fields)) {
      fail(key, "expected an object of strings");
      continue;
    }
    const entries = Object.entries(fields);
    if (entries.length > 50) fail(key, `${entries.length} pairs, at most 50`);
    for (const [name, item] of entries) {
      if (name.length < 1 || name.length > 128) fail(`${key}.${name}`, "key length outside 1..128");
      text(`${key}.${name}`, item, 2048);
    }
  }

  if (value.Compliance !== undefined) {
    if (!isObject(value.Compliance)) fail("Compliance", "expected an object");
    else {
      if (value.Compliance.Status !== undefined) oneOf("Compliance.Status", value.Compliance.Status, COMPLIANCE);
      const related = value.Compliance.RelatedRequirements;
      if (related !== undefined) {
        if (!Array.isArray(related) || related.length > 32) fail("Compliance.RelatedRequirements", "expected at most 32");
        else related.forEach((item, index) => text(`Compliance.RelatedRequirements[${index}]`, item, 256));
      }
    }
  }
  if (value.Workflow !== undefined) oneOf("Workflow.Status", isObject(value.Workflow) ? value.Workflow.Status : undefined, WORKFLOW);
  if (value.RecordState !== undefined) oneOf("RecordState", value.RecordState, RECORD_STATES);
  return problems;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

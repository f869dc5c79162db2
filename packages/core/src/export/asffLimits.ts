/**
 * The ASFF limits Vigil's output must stay within, from the AWS Security Hub API Reference
 * (AwsSecurityFinding, Recommendation, Compliance:
 * https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_AwsSecurityFinding.html) and the
 * partner guide's mapping guidelines (https://docs.aws.amazon.com/securityhub/latest/partnerguide/guidelines-asff-mapping.html).
 */
export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendationText: 512,
  /** ProductFields and UserDefinedFields: pairs, key length, value length. */
  fieldPairs: 50,
  fieldKey: 128,
  fieldValue: 2048,
  relatedRequirements: 32,
  relatedRequirement: 256,
  resources: 32,
  types: 50,
  /** Findings per BatchImportFindings call. */
  batch: 100,
} as const;

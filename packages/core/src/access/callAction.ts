import type { ActionIndex } from "../policy/ActionIndex.ts";

/**
 * The IAM action a CloudTrail record's call needed: `eventSource` names the service's endpoint and
 * `eventName` the API operation, which are the service prefix and the action name for most
 * services. The exceptions below are where the two differ; every answer is checked against the
 * action catalogue, so a call this mapping does not know comes out as "not an IAM action", never
 * as an action someone could be granted.
 */
export type CallAction = { kind: "iam"; service: string; action: string } | { kind: "not-iam"; eventSource: string; eventName: string };

/** Endpoint names whose IAM service prefix differs (after `runtime.`, `api.`, ... are dropped, see serviceOfSource). */
const SERVICE_OF_ENDPOINT: Readonly<Record<string, string>> = {
  monitoring: "cloudwatch",
  email: "ses",
  tagging: "tag",
  cloudcontrolapi: "cloudformation",
  "bedrock-runtime": "bedrock",
  "sagemaker-runtime": "sagemaker",
  "es-http": "es",
};

/**
 * Operations whose IAM action has another name. S3's are the Service Authorization Reference's
 * "Amazon S3 API operations and their permissions" table; Lambda's `Invoke` is logged under the
 * API name. Keyed by `service:eventName`.
 */
const ACTION_OF_OPERATION: Readonly<Record<string, string>> = {
  "s3:ListBuckets": "ListAllMyBuckets",
  "s3:ListObjects": "ListBucket",
  "s3:ListObjectsV2": "ListBucket",
  "s3:HeadBucket": "ListBucket",
  "s3:ListObjectVersions": "ListBucketVersions",
  "s3:ListMultipartUploads": "ListBucketMultipartUploads",
  "s3:ListParts": "ListMultipartUploadParts",
  "s3:HeadObject": "GetObject",
  "s3:CopyObject": "PutObject",
  "s3:CreateMultipartUpload": "PutObject",
  "s3:UploadPart": "PutObject",
  "s3:UploadPartCopy": "PutObject",
  "s3:CompleteMultipartUpload": "PutObject",
  "s3:DeleteObjects": "DeleteObject",
  "s3:GetBucketEncryption": "GetEncryptionConfiguration",
  "s3:PutBucketEncryption": "PutEncryptionConfiguration",
  "s3:DeleteBucketEncryption": "PutEncryptionConfiguration",
  "s3:GetBucketLifecycle": "GetLifecycleConfiguration",
  "s3:GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
  "s3:PutBucketLifecycle": "PutLifecycleConfiguration",
  "s3:PutBucketLifecycleConfiguration": "PutLifecycleConfiguration",
  "s3:DeleteBucketLifecycle": "PutLifecycleConfiguration",
  "s3:GetBucketReplication": "GetReplicationConfiguration",
  "s3:PutBucketReplication": "PutReplicationConfiguration",
  "s3:DeleteBucketReplication": "PutReplicationConfiguration",
  "s3:GetBucketCors": "GetBucketCORS",
  "s3:PutBucketCors": "PutBucketCORS",
  "s3:DeleteBucketCors": "PutBucketCORS",
  "s3:DeleteBucketTagging": "PutBucketTagging",
  "s3:DeleteBucketOwnershipControls": "PutBucketOwnershipControls",
  "s3:GetBucketNotificationConfiguration": "GetBucketNotification",
  "s3:PutBucketNotificationConfiguration": "PutBucketNotification",
  "s3:GetBucketAccelerateConfiguration": "GetAccelerateConfiguration",
  "s3:PutBucketAccelerateConfiguration": "PutAccelerateConfiguration",
  "s3:GetBucketAnalyticsConfiguration": "GetAnalyticsConfiguration",
  "s3:GetBucketInventoryConfiguration": "GetInventoryConfiguration",
  "s3:GetBucketMetricsConfiguration": "GetMetricsConfiguration",
  "s3:GetBucketIntelligentTieringConfiguration": "GetIntelligentTieringConfiguration",
  "s3:GetPublicAccessBlock": "GetBucketPublicAccessBlock",
  "s3:PutPublicAccessBlock": "PutBucketPublicAccessBlock",
  "s3:DeletePublicAccessBlock": "PutBucketPublicAccessBlock",
  "lambda:Invoke": "InvokeFunction",
};

/**
 * API versions some services append to their operation names in CloudTrail: Lambda's
 * `UpdateFunctionConfiguration20150331v2`, CloudFront's `CreateDistribution2020_05_31`.
 */
const API_VERSION_SUFFIX = /(?:\d{8}|\d{4}_\d{2}_\d{2})(?:v\d+)?$/;

/** The IAM service prefix an `eventSource` stands for (`lambda` for `lambda.amazonaws.com`). */
export function serviceOfSource(eventSource: string): string {
  const host = eventSource.toLowerCase().replace(/\.amazonaws\.com$/, "");
  // `streams.dynamodb`, `runtime.lex`, `api.sagemaker`, `data.iot`: the service is the last label.
  const endpoint = host.slice(host.lastIndexOf(".") + 1);
  return SERVICE_OF_ENDPOINT[endpoint] ?? endpoint;
}

/** The IAM action a record's call needed, checked against the catalogue. */
export function callAction(eventSource: string, eventName: string, actions: ActionIndex): CallAction {
  const service = serviceOfSource(eventSource);
  const known = namesOf(actions, service);
  if (known) {
    const unversioned = eventName.replace(API_VERSION_SUFFIX, "");
    for (const candidate of [ACTION_OF_OPERATION[`${service}:${eventName}`], eventName, ACTION_OF_OPERATION[`${service}:${unversioned}`], unversioned]) {
      if (candidate === undefined) continue;
      const action = known.get(candidate.toLowerCase());
      if (action) return { kind: "iam", service, action };
    }
  }
  return { kind: "not-iam", eventSource, eventName };
}

/** Each service's action names by lower case, built once per index: a scan maps millions of records. */
const lowerCaseNames = new WeakMap<ActionIndex, Map<string, ReadonlyMap<string, string> | undefined>>();

function namesOf(actions: ActionIndex, service: string): ReadonlyMap<string, string> | undefined {
  let byService = lowerCaseNames.get(actions);
  if (!byService) lowerCaseNames.set(actions, (byService = new Map()));
  if (!byService.has(service)) {
    const names = actions.actions(service);
    byService.set(service, names && new Map(names.map((name) => [name.toLowerCase(), name])));
  }
  return byService.get(service);
}

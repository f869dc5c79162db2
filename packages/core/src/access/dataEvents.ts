import { actionMatches } from "../policy/actionPattern.ts";
import { serviceOfSource } from "./callAction.ts";

/**
 * Actions CloudTrail records only as data events, by the resource type a trail or event data store
 * selects them with. A trail logs management events by default and data events only when asked
 * (and for the resources it names), so an archive without them says nothing about these actions.
 *
 * Source: AWS CloudTrail User Guide, "Logging data events"
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/logging-data-events-with-cloudtrail.html),
 * its table of data event resource types, and for S3 "Amazon S3 data events in CloudTrail"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/cloudtrail-logging-s3-info.html).
 */
export const DATA_EVENT_ACTIONS: readonly { resourceType: string; actions: readonly string[] }[] = [
  {
    resourceType: "AWS::S3::Object",
    actions: [
      "s3:GetObject*",
      "s3:PutObject*",
      "s3:DeleteObject*",
      "s3:RestoreObject",
      "s3:AbortMultipartUpload",
      "s3:ListBucket",
      "s3:ListBucketVersions",
      "s3:ListBucketMultipartUploads",
      "s3:ListMultipartUploadParts",
      "s3:ReplicateObject",
      "s3:ReplicateDelete",
      "s3:ReplicateTags",
    ],
  },
  { resourceType: "AWS::S3ObjectLambda::AccessPoint", actions: ["s3-object-lambda:*"] },
  { resourceType: "AWS::Lambda::Function", actions: ["lambda:InvokeFunction"] },
  {
    resourceType: "AWS::DynamoDB::Table",
    actions: [
      "dynamodb:GetItem",
      "dynamodb:PutItem",
      "dynamodb:UpdateItem",
      "dynamodb:DeleteItem",
      "dynamodb:BatchGetItem",
      "dynamodb:BatchWriteItem",
      "dynamodb:ConditionCheckItem",
      "dynamodb:Query",
      "dynamodb:Scan",
      "dynamodb:PartiQL*",
    ],
  },
  { resourceType: "AWS::DynamoDB::Stream", actions: ["dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:DescribeStream", "dynamodb:ListStreams"] },
  { resourceType: "AWS::SNS::Topic", actions: ["sns:Publish"] },
  { resourceType: "AWS::SQS::Queue", actions: ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"] },
  {
    resourceType: "AWS::Kinesis::Stream",
    actions: ["kinesis:PutRecord", "kinesis:PutRecords", "kinesis:GetRecords", "kinesis:GetShardIterator", "kinesis:SubscribeToShard"],
  },
  { resourceType: "AWS::EC2::Snapshot", actions: ["ebs:GetSnapshotBlock", "ebs:ListSnapshotBlocks", "ebs:ListChangedBlocks", "ebs:PutSnapshotBlock", "ebs:StartSnapshot", "ebs:CompleteSnapshot"] },
];

/** Built once: an archive of data events asks for every record. */
const DATA_EVENT_TYPES: ReadonlySet<string> = new Set(DATA_EVENT_ACTIONS.map((entry) => entry.resourceType));

/** The data event resource type an action is recorded under, or undefined for a management action. */
export function dataEventTypeOf(action: string): string | undefined {
  return DATA_EVENT_ACTIONS.find((entry) => entry.actions.some((pattern) => actionMatches(pattern, action)))?.resourceType;
}

/**
 * The data event resource types a record shows a trail recorded, whoever made the call: its
 * `resources[].type`, or for a data event without them, every type of its service.
 */
export function dataEventTypesIn(record: { eventCategory?: unknown; managementEvent?: unknown; eventSource?: unknown; resources?: unknown }): string[] {
  if (record.eventCategory !== "Data" && record.managementEvent !== false) return [];
  const listed = Array.isArray(record.resources)
    ? record.resources.map((resource) => (resource as { type?: unknown } | null)?.type).filter((type): type is string => typeof type === "string" && DATA_EVENT_TYPES.has(type))
    : [];
  if (listed.length > 0) return [...new Set(listed)];
  if (typeof record.eventSource !== "string") return [];
  const service = serviceOfSource(record.eventSource);
  return DATA_EVENT_ACTIONS.filter((entry) => entry.actions.some((pattern) => pattern.startsWith(`${service}:`))).map((entry) => entry.resourceType);
}

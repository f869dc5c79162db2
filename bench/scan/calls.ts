import type { Prng } from "./Prng.ts";
import { ACCOUNT, type World } from "./world.ts";

/** What one API call contributes to its record, apart from who made it and when. */
export interface Call {
  source: string;
  name: string;
  readOnly: boolean;
  requestParameters: unknown;
  responseElements?: unknown;
  additionalEventData?: unknown;
  resources?: unknown[];
  /** S3 request ids are 16 upper-case hex characters, not UUIDs. */
  requestId?: string;
  /** Errors that are part of normal traffic (a bucket without a policy), not denials. */
  errorCode?: string;
  errorMessage?: string;
}

export interface CallContext {
  prng: Prng;
  world: World;
  region: string;
}

/** A kind of ordinary call and how often it appears among the noise. */
export interface CallTemplate {
  weight: number;
  make(context: CallContext): Call;
}

const s3RequestId = (prng: Prng) => prng.chars("0123456789ABCDEF", 16);
const s3Extra = (prng: Prng) => ({
  SignatureVersion: "SigV4",
  CipherSuite: "TLS_AES_128_GCM_SHA256",
  bytesTransferredIn: 0,
  AuthenticationMethod: "AuthHeader",
  "x-amz-id-2": prng.chars("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 76) + "=",
  bytesTransferredOut: 0,
});
const bucketResource = (bucket: string) => [{ accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` }];
const kmsKeyResource = (region: string, key: string) => [{ accountId: ACCOUNT, type: "AWS::KMS::Key", ARN: `arn:aws:kms:${region}:${ACCOUNT}:key/${key}` }];

const ec2 = (name: string, requestParameters: (c: CallContext) => unknown, readOnly = true) => (c: CallContext): Call => ({
  source: "ec2.amazonaws.com",
  name,
  readOnly,
  requestParameters: requestParameters(c),
  responseElements: null,
});
const s3 = (name: string, extra: (c: CallContext, bucket: string) => Record<string, unknown> = () => ({})) => (c: CallContext): Call => {
  const bucket = c.prng.pick(c.world.buckets);
  return {
    source: "s3.amazonaws.com",
    name,
    readOnly: true,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${c.region}.amazonaws.com`, ...extra(c, bucket) },
    responseElements: null,
    additionalEventData: s3Extra(c.prng),
    resources: bucketResource(bucket),
    requestId: s3RequestId(c.prng),
  };
};
const plain = (source: string, name: string, requestParameters: (c: CallContext) => unknown, readOnly = true) => (c: CallContext): Call => ({
  source,
  name,
  readOnly,
  requestParameters: requestParameters(c),
  responseElements: null,
});

const filterSet = (c: CallContext) =>
  c.prng.chance(0.5) ? {} : { items: [{ name: "instance-state-name", valueSet: { items: [{ value: "running" }] } }, { name: "tag:Environment", valueSet: { items: [{ value: c.prng.pick(["prod", "staging"]) }] } }] };
const someInstances = (c: CallContext) =>
  c.prng.chance(0.5) ? {} : { items: Array.from({ length: c.prng.between(1, 4) }, () => ({ instanceId: c.prng.pick(c.world.instances) })) };

export const DESCRIBE_INSTANCES: CallTemplate = { weight: 60, make: ec2("DescribeInstances", (c) => ({ instancesSet: someInstances(c), filterSet: filterSet(c) })) };
export const LIST_BUCKETS: CallTemplate = {
  weight: 40,
  make: (c) => ({
    source: "s3.amazonaws.com",
    name: "ListBuckets",
    readOnly: true,
    requestParameters: { Host: `s3.${c.region}.amazonaws.com` },
    responseElements: null,
    additionalEventData: s3Extra(c.prng),
    requestId: s3RequestId(c.prng),
  }),
};
export const GET_CALLER_IDENTITY: CallTemplate = { weight: 60, make: plain("sts.amazonaws.com", "GetCallerIdentity", () => null) };
export const GET_ACCOUNT_SUMMARY: CallTemplate = { weight: 5, make: plain("iam.amazonaws.com", "GetAccountSummary", () => null) };
/** Also what CloudTrail itself calls, as an AWS service, to encrypt the log files it delivers. */
export const GENERATE_DATA_KEY: CallTemplate = {
  weight: 30,
  make: (c) => {
    const key = c.prng.pick(c.world.kmsKeys);
    return {
      source: "kms.amazonaws.com",
      name: "GenerateDataKey",
      readOnly: true,
      requestParameters: { keyId: `arn:aws:kms:${c.region}:${ACCOUNT}:key/${key}`, keySpec: "AES_256", encryptionContext: { "aws:s3:arn": `arn:aws:s3:::${c.prng.pick(c.world.buckets)}` } },
      responseElements: null,
      resources: kmsKeyResource(c.region, key),
    };
  },
};

/** Read-mostly management traffic: what an account's trail is made of. Weights are per mille of the noise. */
export const NOISE: readonly CallTemplate[] = [
  DESCRIBE_INSTANCES,
  { weight: 25, make: ec2("DescribeSecurityGroups", (c) => ({ securityGroupSet: {}, securityGroupIdSet: { items: [{ groupId: c.prng.pick(c.world.securityGroups) }] }, filterSet: {} })) },
  { weight: 25, make: ec2("DescribeVolumes", (c) => ({ volumeSet: {}, filterSet: { items: [{ name: "attachment.instance-id", valueSet: { items: [{ value: c.prng.pick(c.world.instances) }] } }] } })) },
  { weight: 15, make: ec2("DescribeSubnets", (c) => ({ subnetSet: {}, filterSet: { items: [{ name: "vpc-id", valueSet: { items: [{ value: c.prng.pick(c.world.vpcs) }] } }] } })) },
  { weight: 10, make: ec2("DescribeVpcs", () => ({ vpcSet: {}, filterSet: {} })) },
  { weight: 15, make: ec2("DescribeTags", (c) => ({ filterSet: { items: [{ name: "resource-id", valueSet: { items: [{ value: c.prng.pick(c.world.instances) }] } }] } })) },
  { weight: 25, make: ec2("DescribeInstanceStatus", (c) => ({ instancesSet: someInstances(c), filterSet: {}, includeAllInstances: c.prng.chance(0.5) })) },
  { weight: 10, make: ec2("DescribeAddresses", () => ({ publicIpsSet: {}, allocationIdsSet: {}, filterSet: {} })) },
  { weight: 15, make: ec2("DescribeNetworkInterfaces", (c) => ({ networkInterfaceIdSet: {}, filterSet: { items: [{ name: "subnet-id", valueSet: { items: [{ value: c.prng.pick(c.world.subnets) }] } }] } })) },
  { weight: 5, make: ec2("DescribeRegions", () => ({ regionSet: {}, allRegions: false })) },
  { weight: 5, make: ec2("CreateTags", (c) => ({ resourcesSet: { items: [{ resourceId: c.prng.pick(c.world.instances) }] }, tagSet: { items: [{ key: "Owner", value: c.prng.pick(["platform", "data", "payments"]) }] } }), false) },
  LIST_BUCKETS,
  { weight: 40, make: s3("GetBucketAcl", () => ({ acl: "" })) },
  { weight: 30, make: s3("GetBucketLocation", () => ({ location: "" })) },
  {
    weight: 15,
    make: (c) => {
      const call = s3("GetBucketPolicy", () => ({ policy: "" }))(c);
      return c.prng.chance(0.3) ? { ...call, errorCode: "NoSuchBucketPolicy", errorMessage: "The bucket policy does not exist" } : call;
    },
  },
  { weight: 15, make: s3("GetBucketVersioning", () => ({ versioning: "" })) },
  { weight: 10, make: s3("GetBucketEncryption", () => ({ encryption: "" })) },
  GET_CALLER_IDENTITY,
  {
    weight: 90,
    make: (c) => ({
      source: "kms.amazonaws.com",
      name: "Decrypt",
      readOnly: true,
      requestParameters: {
        encryptionAlgorithm: "SYMMETRIC_DEFAULT",
        encryptionContext: c.prng.chance(0.5)
          ? { "aws:lambda:FunctionArn": `arn:aws:lambda:${c.region}:${ACCOUNT}:function:${c.prng.pick(c.world.functions)}` }
          : { SecretARN: `arn:aws:secretsmanager:${c.region}:${ACCOUNT}:secret:${c.prng.pick(c.world.secrets)}-${c.prng.chars("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 6)}`, SecretVersionId: c.prng.uuid() },
      },
      responseElements: null,
      resources: kmsKeyResource(c.region, c.prng.pick(c.world.kmsKeys)),
    }),
  },
  GENERATE_DATA_KEY,
  {
    weight: 40,
    make: plain("monitoring.amazonaws.com", "GetMetricData", (c) => ({
      metricDataQueries: [
        {
          id: "m1",
          metricStat: { metric: { namespace: "AWS/Lambda", metricName: c.prng.pick(["Invocations", "Errors", "Duration", "Throttles"]), dimensions: [{ name: "FunctionName", value: c.prng.pick(c.world.functions) }] }, period: 300, stat: "Sum" },
          returnData: true,
        },
      ],
      startTime: "PT3H",
      endTime: "P0D",
    })),
  },
  { weight: 20, make: plain("monitoring.amazonaws.com", "DescribeAlarms", (c) => ({ stateValue: c.prng.pick(["ALARM", "OK"]), maxRecords: 100 })) },
  { weight: 15, make: plain("monitoring.amazonaws.com", "ListMetrics", () => ({ namespace: "AWS/EC2" })) },
  { weight: 20, make: plain("monitoring.amazonaws.com", "PutMetricData", () => ({ namespace: "Acme/App" }), false) },
  { weight: 15, make: plain("lambda.amazonaws.com", "ListFunctions20150331", () => ({ maxItems: 50 })) },
  { weight: 10, make: plain("lambda.amazonaws.com", "GetFunction20150331v2", (c) => ({ functionName: c.prng.pick(c.world.functions) })) },
  { weight: 15, make: plain("logs.amazonaws.com", "DescribeLogGroups", (c) => ({ logGroupNamePrefix: "/aws/lambda/", limit: 50 })) },
  {
    weight: 20,
    make: plain("logs.amazonaws.com", "CreateLogStream", (c) => ({ logGroupName: c.prng.pick(c.world.logGroups), logStreamName: `2026/11/01/[$LATEST]${c.prng.hex(32)}` }), false),
  },
  { weight: 25, make: plain("dynamodb.amazonaws.com", "DescribeTable", (c) => ({ tableName: c.prng.pick(c.world.tables) })) },
  { weight: 10, make: plain("dynamodb.amazonaws.com", "ListTables", () => ({ limit: 100 })) },
  { weight: 10, make: plain("iam.amazonaws.com", "GetUser", (c) => ({ userName: c.prng.pick(c.world.users).name })) },
  { weight: 15, make: plain("iam.amazonaws.com", "ListRoles", () => ({ maxItems: 100 })) },
  { weight: 10, make: plain("iam.amazonaws.com", "ListPolicies", () => ({ scope: "Local", onlyAttached: false, maxItems: 100 })) },
  { weight: 15, make: plain("iam.amazonaws.com", "GetRole", (c) => ({ roleName: c.prng.pick(c.world.roles).name })) },
  { weight: 10, make: plain("iam.amazonaws.com", "ListAttachedRolePolicies", (c) => ({ roleName: c.prng.pick(c.world.roles).name })) },
  GET_ACCOUNT_SUMMARY,
  { weight: 8, make: plain("iam.amazonaws.com", "ListUsers", () => ({ maxItems: 100 })) },
  { weight: 8, make: plain("iam.amazonaws.com", "GetPolicyVersion", () => ({ policyArn: "arn:aws:iam::aws:policy/ReadOnlyAccess", versionId: "v112" })) },
  { weight: 10, make: plain("cloudtrail.amazonaws.com", "LookupEvents", () => ({ maxResults: 50, lookupAttributes: [{ attributeKey: "ReadOnly", attributeValue: "false" }] })) },
  { weight: 5, make: plain("cloudtrail.amazonaws.com", "DescribeTrails", () => ({ includeShadowTrails: true })) },
  { weight: 25, make: plain("ssm.amazonaws.com", "GetParameter", (c) => ({ name: c.prng.pick(c.world.parameters), withDecryption: c.prng.chance(0.7) })) },
  { weight: 10, make: plain("ssm.amazonaws.com", "GetParameters", (c) => ({ names: [c.prng.pick(c.world.parameters), c.prng.pick(c.world.parameters)], withDecryption: true })) },
  { weight: 10, make: plain("ssm.amazonaws.com", "UpdateInstanceInformation", (c) => ({ instanceId: c.prng.pick(c.world.instances), agentVersion: "3.3.131.0", agentName: "amazon-ssm-agent", platformType: "Linux", platformName: "Amazon Linux", platformVersion: "2023" }), false) },
  { weight: 20, make: plain("secretsmanager.amazonaws.com", "GetSecretValue", (c) => ({ secretId: c.prng.pick(c.world.secrets) })) },
  { weight: 10, make: plain("elasticloadbalancing.amazonaws.com", "DescribeLoadBalancers", () => ({ pageSize: 400 })) },
  { weight: 15, make: plain("elasticloadbalancing.amazonaws.com", "DescribeTargetHealth", (c) => ({ targetGroupArn: `arn:aws:elasticloadbalancing:${c.region}:${ACCOUNT}:targetgroup/${c.prng.pick(c.world.functions)}-tg/${c.prng.hex(16)}` })) },
  { weight: 10, make: plain("ecr.amazonaws.com", "GetAuthorizationToken", () => ({ registryIds: [ACCOUNT] })) },
];

/** The IAM action name CloudTrail's `eventSource`/`eventName` pair stands for, for denial messages. */
export function actionOf(call: Pick<Call, "source" | "name">): string {
  const service = call.source.replace(/\.amazonaws\.com$/, "").replace("monitoring", "cloudwatch");
  return `${service}:${call.name.replace(/20\d{6}(v\d)?$/, "")}`;
}

/** The error code each service returns for a denied call, as CloudTrail records it. */
export function deniedCode(source: string): string {
  if (source === "ec2.amazonaws.com") return "Client.UnauthorizedOperation";
  if (source === "iam.amazonaws.com" || source === "s3.amazonaws.com" || source === "sts.amazonaws.com") return "AccessDenied";
  return "AccessDeniedException";
}

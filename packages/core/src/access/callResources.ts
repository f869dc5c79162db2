/**
 * The resources a recorded call acted on, as ARNs: the record's own `resources[].ARN` (CloudTrail
 * fills it for some services and for data events), plus ARNs built from the request parameters of
 * common services, where the call names its resource but the record carries no ARN. Candidates
 * only: the caller keeps an ARN for an action when it fits one of the action's ARN templates.
 *
 * IAM names carry no path in a request, so ARNs built from them assume the default path `/`.
 */
export interface CallContext {
  /** `aws`, `aws-cn`, `aws-us-gov`: from the caller's ARN. */
  partition: string;
  region: string | undefined;
  account: string | undefined;
}

type Parameters = Readonly<Record<string, unknown>>;
type Builder = (parameters: Parameters, context: Required<CallContext>) => (string | undefined)[];

const text = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);
const isArn = (value: string | undefined): value is string => value !== undefined && value.startsWith("arn:");
/** A name or an ARN, as many APIs accept either: the ARN as given, or one built from the name. */
const nameOrArn = (value: unknown, build: (name: string) => string): string | undefined => {
  const given = text(value);
  if (given === undefined) return undefined;
  return isArn(given) ? given : build(given);
};
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);

const BUILDERS: Readonly<Record<string, Builder>> = {
  iam: (p, { partition, account }) => {
    const iam = (kind: string) => (name: string) => `arn:${partition}:iam::${account}:${kind}/${name}`;
    return [
      nameOrArn(p.userName, iam("user")),
      nameOrArn(p.roleName, iam("role")),
      nameOrArn(p.groupName, iam("group")),
      nameOrArn(p.instanceProfileName, iam("instance-profile")),
      text(p.policyArn),
      text(p.openIDConnectProviderArn),
      text(p.sAMLProviderArn),
    ];
  },
  s3: (p, { partition }) => {
    const bucket = text(p.bucketName);
    if (!bucket) return [];
    const key = text(p.key);
    return [`arn:${partition}:s3:::${bucket}`, key === undefined ? undefined : `arn:${partition}:s3:::${bucket}/${key}`];
  },
  lambda: (p, { partition, region, account }) => [nameOrArn(p.functionName, (name) => `arn:${partition}:lambda:${region}:${account}:function:${name}`)],
  sns: (p) => [text(p.topicArn), text(p.targetArn)],
  sqs: (p, { partition }) => [queueArn(text(p.queueUrl), partition)],
  kms: (p) => [text(p.keyId)].filter(isArn),
  dynamodb: (p, { partition, region, account }) => [nameOrArn(p.tableName, (name) => `arn:${partition}:dynamodb:${region}:${account}:table/${name}`)],
  // A secret's ARN ends in six random characters the request does not carry.
  secretsmanager: (p, { partition, region, account }) => [nameOrArn(p.secretId, (name) => `arn:${partition}:secretsmanager:${region}:${account}:secret:${name}-??????`)],
  logs: (p, { partition, region, account }) => [nameOrArn(p.logGroupName, (name) => `arn:${partition}:logs:${region}:${account}:log-group:${name}`)],
  sts: (p) => [text(p.roleArn)],
  ssm: (p, { partition, region, account }) => {
    const parameter = (name: string) => `arn:${partition}:ssm:${region}:${account}:parameter/${name.replace(/^\//, "")}`;
    return [nameOrArn(p.name, parameter), ...strings(p.names).map((name) => nameOrArn(name, parameter))];
  },
  ec2: (p, { partition, region, account }) => {
    const instance = (id: string) => `arn:${partition}:ec2:${region}:${account}:instance/${id}`;
    const items = (p.instancesSet as { items?: unknown } | undefined)?.items;
    const listed = Array.isArray(items) ? items.map((item) => text((item as { instanceId?: unknown } | null)?.instanceId)) : [];
    return [nameOrArn(p.instanceId, instance), ...listed.map((id) => id && instance(id))];
  },
  ecr: (p, { partition, region, account }) => [nameOrArn(p.repositoryName, (name) => `arn:${partition}:ecr:${region}:${account}:repository/${name}`)],
  kinesis: (p, { partition, region, account }) => [text(p.streamARN), nameOrArn(p.streamName, (name) => `arn:${partition}:kinesis:${region}:${account}:stream/${name}`)],
  states: (p) => [text(p.stateMachineArn), text(p.executionArn)],
  cloudformation: (p) => [text(p.stackName)].filter(isArn),
};

/** `https://sqs.eu-west-1.amazonaws.com/111122223333/jobs` is `arn:aws:sqs:eu-west-1:111122223333:jobs`. */
function queueArn(url: string | undefined, partition: string): string | undefined {
  const match = url && /^https?:\/\/(?:sqs\.)?([a-z0-9-]+)\.(?:queue\.)?amazonaws\.com(?:\.cn)?\/(\d{12})\/([^/?#]+)$/.exec(url);
  if (!match) return undefined;
  const [, region, account, name] = match;
  return `arn:${partition}:sqs:${region}:${account}:${name}`;
}

/** Candidate ARNs of a call: the record's `resources`, then those built from `requestParameters`. */
export function callResources(service: string, record: { resources?: unknown; requestParameters?: unknown }, context: CallContext): string[] {
  const found = new Set<string>();
  if (Array.isArray(record.resources)) {
    for (const resource of record.resources) {
      const arn = text((resource as { ARN?: unknown } | null)?.ARN);
      if (isArn(arn)) found.add(arn);
    }
  }
  const build = BUILDERS[service];
  const parameters = record.requestParameters;
  if (build && parameters !== null && typeof parameters === "object" && context.region !== undefined && context.account !== undefined) {
    for (const arn of build(parameters as Parameters, context as Required<CallContext>)) if (isArn(arn)) found.add(arn);
  }
  return [...found];
}

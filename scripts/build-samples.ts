// Builds samples/: the incident `npm start` scans. A CI access key leaks and is used to take over account
// 111122223333, in the middle of an ordinary morning of developers, CI and Lambda functions. The records are
// laid out as CloudTrail delivers them to S3, one gzipped `{"Records":[...]}` file per region and 5 minutes.
// Deterministic: every id is derived from a hash, every time is written below; no randomness, no clock.
// samples/README.md tells the story; this script refreshes its file table.
//
//   npx tsx scripts/build-samples.ts
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { gzipSync } from "node:zlib";

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const ACCOUNT = "111122223333";
const DAY = "2026-11-20";
const HOME = "us-east-1";

const LEAKED_KEY = "AKIA6ODU5TEXAMPLE001"; // ci-deployer's long-lived key
const GRAFANA_KEY = "AKIA6ODU5TEXAMPLE002";
const BACKDOOR_KEY = "AKIA6ODU5TEXAMPLE017"; // created for support-backup

const ATTACKER_IP = "203.0.113.77";
const BRUTE_FORCE_IP = "198.51.100.200";
const OFFICE_IP = "192.0.2.24"; // office and VPN egress
const NAT_IP = "192.0.2.80"; // NAT gateway of the build agents and VPC Lambdas
const GRAFANA_IP = "192.0.2.81";

const TRAIL_ARN = `arn:aws:cloudtrail:${HOME}:${ACCOUNT}:trail/management-events`;
const OIDC_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;
const KMS_KEY = `arn:aws:kms:${HOME}:${ACCOUNT}:key/0f3b2c1e-8a47-4d5c-9e61-7b2a4c9d0e13`;
const KMS_KEY_EU = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/5d0e9a8b-2c41-4f7e-a3b6-1e8d7c9f0a24`;

// ---------------------------------------------------------------------------------------------------------------
// Deterministic ids and times

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function digest(seed: string): Buffer {
  return createHash("sha256").update(seed).digest();
}

function encode(seed: string, alphabet: string, length: number): string {
  const bytes = Buffer.concat([digest(seed), digest(`${seed}+`)]);
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[bytes[i]! % alphabet.length];
  return out;
}

function uuid(seed: string): string {
  const h = digest(`uuid:${seed}`).toString("hex");
  const variant = "89ab"[parseInt(h[16]!, 16) % 4]!;
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** IAM unique ids of one account share a prefix, as real ones do: AIDA/AROA/ANPA are 21 characters, keys 20. */
function awsId(prefix: "AIDA" | "AROA" | "ANPA" | "ASIA", seed: string): string {
  const length = prefix === "ASIA" ? 20 : 21;
  return `${prefix}6ODU5TEX${encode(`${prefix}:${seed}`, BASE32, length - 12)}`;
}

function base64(seed: string, bytes: number): string {
  const chunks: Buffer[] = [];
  for (let i = 0; chunks.length * 32 < bytes; i++) chunks.push(digest(`${seed}#${i}`));
  return Buffer.concat(chunks).subarray(0, bytes).toString("base64");
}

/** A session token as STS returns it (they all start with the base64 of "IQoJorigin_ec"). */
function sessionToken(seed: string): string {
  return `IQoJb3JpZ2luX2VjE${base64(`token:${seed}`, 180).replace(/=+$/, "")}`;
}

/** "08:21:05" on the day of the story. */
function at(hms: string): string {
  return `${DAY}T${hms}Z`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

function plusSeconds(time: string, seconds: number): string {
  return iso(Date.parse(time) + seconds * 1000);
}

/** Times from `from` to `to` (inclusive) every `step` seconds. */
function every(from: string, to: string, step: number): string[] {
  const out: string[] = [];
  for (let t = Date.parse(at(from)); t <= Date.parse(at(to)); t += step * 1000) out.push(iso(t));
  return out;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Dates inside IAM and STS responses: "Nov 20, 2026, 8:28:12 AM". */
function awsDate(time: string): string {
  const d = new Date(time);
  const hours = d.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, "0");
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${clock} ${hours < 12 ? "AM" : "PM"}`;
}

/** IAM records policy documents as the caller sent them; boto3 scripts send json.dumps(doc, indent=4). */
function prettyPolicy(doc: JsonObject): string {
  return JSON.stringify(doc, null, 4);
}

// ---------------------------------------------------------------------------------------------------------------
// Identities: who calls, from where, with which client

interface Actor {
  identity: JsonObject;
  ip: string;
  agent: (service: Service, eventName: string) => string;
  /** False for calls AWS services make on a principal's behalf: CloudTrail records no TLS details for them. */
  tls: boolean;
  console?: boolean;
}

interface Role {
  name: string;
  path: string;
}

interface Session {
  role: Role;
  name: string;
  issued: string;
  accessKeyId: string;
  identity: JsonObject;
}

const userId = (name: string) => awsId("AIDA", `user:${name}`);
const userArn = (name: string) => `arn:aws:iam::${ACCOUNT}:user/${name}`;
const roleId = (role: Role) => awsId("AROA", `role:${role.name}`);
const roleArn = (role: Role) => `arn:aws:iam::${ACCOUNT}:role${role.path}${role.name}`;
const sessionArn = (role: Role, name: string) => `arn:aws:sts::${ACCOUNT}:assumed-role/${role.name}/${name}`;

function iamUser(name: string, accessKeyId: string): JsonObject {
  return { type: "IAMUser", principalId: userId(name), arn: userArn(name), accountId: ACCOUNT, accessKeyId, userName: name };
}

function roleSession(role: Role, name: string, issued: string, via: { webIdentity?: boolean; invokedBy?: string } = {}): Session {
  const accessKeyId = awsId("ASIA", `${role.name}/${name}/${issued}`);
  const identity: JsonObject = {
    type: "AssumedRole",
    principalId: `${roleId(role)}:${name}`,
    arn: sessionArn(role, name),
    accountId: ACCOUNT,
    accessKeyId,
    sessionContext: {
      sessionIssuer: { type: "Role", principalId: roleId(role), arn: roleArn(role), accountId: ACCOUNT, userName: role.name },
      webIdFederationData: via.webIdentity ? { federatedProvider: OIDC_PROVIDER, attributes: {} } : {},
      attributes: { creationDate: issued, mfaAuthenticated: "false" },
    },
  };
  if (via.invokedBy) identity.invokedBy = via.invokedBy;
  return { role, name, issued, accessKeyId, identity };
}

/** An IAM user's console session: temporary credentials, an empty session issuer, MFA as signed in. */
function consoleSession(name: string, signedIn: string): JsonObject {
  return {
    type: "IAMUser",
    principalId: userId(name),
    arn: userArn(name),
    accountId: ACCOUNT,
    accessKeyId: awsId("ASIA", `console/${name}/${signedIn}`),
    userName: name,
    sessionContext: { sessionIssuer: {}, webIdFederationData: {}, attributes: { creationDate: signedIn, mfaAuthenticated: "true" } },
  };
}

const constant = (agent: string) => () => agent;

const CLI_SERVICE: Record<string, string> = { monitoring: "cloudwatch", s3: "s3api" };
const kebab = (eventName: string) =>
  eventName
    .replace(/\d{8}(v\d+)?$/, "")
    .replace(/([a-z])([A-Z])/g, "$1-$2")
    .toLowerCase();

/** aws-cli v2 names the command it runs in its user agent. */
function awsCli(platform: string) {
  return (service: Service, eventName: string) =>
    `aws-cli/${platform} md/prompt#off md/command#${CLI_SERVICE[service] ?? service}.${kebab(eventName)}`;
}

const CLI_MAC = "2.31.18 md/awscrt#0.28.1 ua/2.1 os/macos#24.6.0 md/arch#arm64 lang/python#3.13.7 md/pyimpl#CPython m/b,Z,E cfg/retry-mode#standard md/installer#source";
const CLI_JENKINS = "2.27.50 md/awscrt#0.26.1 ua/2.1 os/linux#5.10.240-238.955.amzn2.x86_64 md/arch#x86_64 lang/python#3.13.4 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#amzn.2";
const BOTO3_WINDOWS = "Boto3/1.40.61 md/Botocore#1.40.61 ua/2.1 os/windows#10 md/arch#amd64 lang/python#3.12.10 md/pyimpl#CPython m/Z,b cfg/retry-mode#legacy Botocore/1.40.61";
const TERRAFORM_SDK: Record<string, string> = { iam: "1.38.1", sts: "1.33.0", lambda: "1.66.0", ec2: "1.187.0", s3: "1.67.0" };
const terraform = (service: Service) =>
  `APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.76.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/${service}#${TERRAFORM_SDK[service] ?? "1.0.0"}`;
const GITHUB_ACTION = "aws-sdk-js/3.693.0 ua/2.1 os/linux#6.8.0-1017-aws lang/js md/nodejs#20.18.0 api/sts#3.693.0 configure-aws-credentials-for-github-actions";
const LAMBDA_NODE = "aws-sdk-js/3.758.0 ua/2.1 os/linux#5.10.240-258.930.amzn2.x86_64 lang/js md/nodejs#20.19.5 api/kms#3.758.0 m/E,N exec-env/AWS_Lambda_nodejs20.x";
const LAMBDA_PYTHON = "Boto3/1.40.4 md/Botocore#1.40.4 ua/2.1 os/linux#5.10.240-258.930.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.11 md/pyimpl#CPython exec-env/AWS_Lambda_python3.12 cfg/retry-mode#legacy Botocore/1.40.4";
const GRAFANA = "Grafana/11.6.1 AWS-SDK-Go/1.55.6 (go1.24.1; linux; amd64)";
const CHROME_MAC = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";
const FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
const EDGE_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0";

// ---------------------------------------------------------------------------------------------------------------
// Record envelopes

const SERVICES = {
  iam: { source: "iam.amazonaws.com", version: "1.09", host: (_region: string) => "iam.amazonaws.com" },
  sts: { source: "sts.amazonaws.com", version: "1.08", host: (region: string) => `sts.${region}.amazonaws.com` },
  ec2: { source: "ec2.amazonaws.com", version: "1.09", host: (region: string) => `ec2.${region}.amazonaws.com` },
  s3: { source: "s3.amazonaws.com", version: "1.09", host: (region: string) => `s3.${region}.amazonaws.com` },
  kms: { source: "kms.amazonaws.com", version: "1.08", host: (region: string) => `kms.${region}.amazonaws.com` },
  lambda: { source: "lambda.amazonaws.com", version: "1.08", host: (region: string) => `lambda.${region}.amazonaws.com` },
  logs: { source: "logs.amazonaws.com", version: "1.08", host: (region: string) => `logs.${region}.amazonaws.com` },
  monitoring: { source: "monitoring.amazonaws.com", version: "1.08", host: (region: string) => `monitoring.${region}.amazonaws.com` },
  secretsmanager: { source: "secretsmanager.amazonaws.com", version: "1.08", host: (region: string) => `secretsmanager.${region}.amazonaws.com` },
  cloudtrail: { source: "cloudtrail.amazonaws.com", version: "1.09", host: (region: string) => `cloudtrail.${region}.amazonaws.com` },
} as const;
type Service = keyof typeof SERVICES;

type Part = "noise" | "incident";

interface Rec {
  time: string;
  region: string;
  part: Part;
  record: JsonObject;
}

interface CallOptions {
  readOnly: boolean;
  params?: JsonObject | null;
  response?: JsonObject | null;
  error?: { code: string; message: string };
  additional?: JsonObject;
  resources?: JsonObject[];
  region?: string;
  /** S3 object-level calls are data events. */
  data?: boolean;
  host?: string;
  requestID?: string;
  sharedEventID?: boolean;
}

let sequence = 0;

function compact(fields: Record<string, Json | undefined>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

/** One AwsApiCall record, fields in the order CloudTrail writes them. */
function call(time: string, actor: Actor, service: Service, eventName: string, o: CallOptions): Rec {
  const svc = SERVICES[service];
  const region = o.region ?? HOME;
  const seed = `${++sequence}:${time}:${eventName}`;
  const record = compact({
    eventVersion: svc.version,
    userIdentity: actor.identity,
    eventTime: time,
    eventSource: svc.source,
    eventName,
    awsRegion: region,
    sourceIPAddress: actor.ip,
    userAgent: actor.agent(service, eventName),
    errorCode: o.error?.code,
    errorMessage: o.error?.message,
    requestParameters: o.params ?? null,
    responseElements: o.response ?? null,
    additionalEventData: o.additional,
    requestID: o.requestID ?? uuid(`request:${seed}`),
    eventID: uuid(`event:${seed}`),
    readOnly: o.readOnly,
    resources: o.resources,
    eventType: "AwsApiCall",
    managementEvent: !o.data,
    recipientAccountId: ACCOUNT,
    sharedEventID: o.sharedEventID ? uuid(`shared:${seed}`) : undefined,
    eventCategory: o.data ? "Data" : "Management",
    tlsDetails: actor.tls
      ? { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: o.host ?? svc.host(region) }
      : undefined,
    sessionCredentialFromConsole: actor.console ? "true" : undefined,
  });
  return { time, region, part: "noise", record };
}

/** A ConsoleLogin record. A failed password attempt names the user but carries no ARN and an empty key id. */
function consoleLogin(time: string, userName: string, o: { ip: string; userAgent: string; success: boolean; mfaDevice?: string }): Rec {
  const seed = `${++sequence}:${time}:ConsoleLogin`;
  const identity: JsonObject = o.success
    ? { type: "IAMUser", principalId: userId(userName), arn: userArn(userName), accountId: ACCOUNT, userName }
    : { type: "IAMUser", principalId: userId(userName), accountId: ACCOUNT, accessKeyId: "", userName };
  const loginTo = `https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_us-east-1_${encode(`state:${seed}`, "0123456789abcdef", 16)}`;
  const record = compact({
    eventVersion: "1.08",
    userIdentity: identity,
    eventTime: time,
    eventSource: "signin.amazonaws.com",
    eventName: "ConsoleLogin",
    awsRegion: HOME,
    sourceIPAddress: o.ip,
    userAgent: o.userAgent,
    errorMessage: o.success ? undefined : "Failed authentication",
    requestParameters: null,
    responseElements: { ConsoleLogin: o.success ? "Success" : "Failure" },
    additionalEventData: o.mfaDevice
      ? { LoginTo: loginTo, MobileVersion: "No", MFAIdentifier: o.mfaDevice, MFAUsed: "Yes" }
      : { LoginTo: loginTo, MobileVersion: "No", MFAUsed: "No" },
    eventID: uuid(`event:${seed}`),
    readOnly: false,
    eventType: "AwsConsoleSignIn",
    managementEvent: true,
    recipientAccountId: ACCOUNT,
    eventCategory: "Management",
    tlsDetails: { tlsVersion: "TLSv1.3", cipherSuite: "TLS_AES_128_GCM_SHA256", clientProvidedHostHeader: "signin.aws.amazon.com" },
  });
  return { time, region: HOME, part: "noise", record };
}

// ---------------------------------------------------------------------------------------------------------------
// Calls used more than once

const roleResource = (role: Role): JsonObject => ({ accountId: ACCOUNT, type: "AWS::IAM::Role", ARN: roleArn(role) });
const bucketResource = (bucket: string): JsonObject => ({ accountId: ACCOUNT, type: "AWS::S3::Bucket", ARN: `arn:aws:s3:::${bucket}` });

function credentials(session: Session, hours: number): JsonObject {
  return {
    accessKeyId: session.accessKeyId,
    sessionToken: sessionToken(session.accessKeyId),
    expiration: awsDate(plusSeconds(session.issued, hours * 3600)),
  };
}

/** A service (Lambda, EC2...) assumes a role for a function or instance. */
function serviceAssumesRole(session: Session, service: string, region = HOME): Rec {
  const actor: Actor = { identity: { type: "AWSService", invokedBy: service }, ip: service, agent: constant(service), tls: false };
  return call(session.issued, actor, "sts", "AssumeRole", {
    readOnly: true,
    region,
    params: { roleArn: roleArn(session.role), roleSessionName: session.name },
    response: { credentials: credentials(session, 12) },
    resources: [roleResource(session.role)],
    sharedEventID: true,
  });
}

/** A principal assumes a role (role chaining from CI to `deploy`). */
function assumeRole(actor: Actor, session: Session): Rec {
  return call(session.issued, actor, "sts", "AssumeRole", {
    readOnly: true,
    params: { roleArn: roleArn(session.role), roleSessionName: session.name, durationSeconds: 3600 },
    response: {
      credentials: credentials(session, 1),
      assumedRoleUser: { assumedRoleId: `${roleId(session.role)}:${session.name}`, arn: sessionArn(session.role, session.name) },
    },
    resources: [roleResource(session.role)],
  });
}

const getCallerIdentity = (time: string, actor: Actor, region = HOME) => call(time, actor, "sts", "GetCallerIdentity", { readOnly: true, region });

const describeInstances = (time: string, actor: Actor, region = HOME) =>
  call(time, actor, "ec2", "DescribeInstances", { readOnly: true, region, params: { instancesSet: {}, filterSet: {} } });

const describeSecurityGroups = (time: string, actor: Actor, region = HOME) =>
  call(time, actor, "ec2", "DescribeSecurityGroups", {
    readOnly: true,
    region,
    params: { securityGroupSet: {}, securityGroupIdSet: {}, filterSet: {} },
  });

function s3Extra(seed: string, bytesOut: number): JsonObject {
  return {
    SignatureVersion: "SigV4",
    CipherSuite: "TLS_AES_128_GCM_SHA256",
    bytesTransferredIn: 0,
    AuthenticationMethod: "AuthHeader",
    "x-amz-id-2": base64(`x-amz-id-2:${seed}`, 57),
    bytesTransferredOut: bytesOut,
  };
}

const s3RequestId = (seed: string) => encode(`s3:${seed}`, "0123456789ABCDEF", 16);

function listBuckets(time: string, actor: Actor): Rec {
  const host = "s3.us-east-1.amazonaws.com";
  return call(time, actor, "s3", "ListBuckets", {
    readOnly: true,
    params: { Host: host },
    additional: s3Extra(`lb:${time}`, 2316),
    host,
    requestID: s3RequestId(`lb:${time}`),
  });
}

function getBucketLocation(time: string, actor: Actor, bucket: string): Rec {
  const host = `${bucket}.s3.amazonaws.com`;
  return call(time, actor, "s3", "GetBucketLocation", {
    readOnly: true,
    params: { location: "", bucketName: bucket, Host: host },
    additional: s3Extra(`gbl:${time}:${bucket}`, 137),
    resources: [bucketResource(bucket)],
    host,
    requestID: s3RequestId(`gbl:${time}:${bucket}`),
  });
}

function kmsDecrypt(time: string, actor: Actor, context: JsonObject, key = KMS_KEY, region = HOME): Rec {
  return call(time, actor, "kms", "Decrypt", {
    readOnly: true,
    region,
    params: { encryptionContext: context, encryptionAlgorithm: "SYMMETRIC_DEFAULT" },
    resources: [{ accountId: ACCOUNT, type: "AWS::KMS::Key", ARN: key }],
  });
}

const describeLogGroups = (time: string, actor: Actor, region = HOME) =>
  call(time, actor, "logs", "DescribeLogGroups", { readOnly: true, region, params: { logGroupNamePrefix: "/aws/lambda/" } });

function filterLogEvents(time: string, actor: Actor, functionName: string, region = HOME): Rec {
  return call(time, actor, "logs", "FilterLogEvents", {
    readOnly: true,
    region,
    params: { logGroupName: `/aws/lambda/${functionName}`, startTime: Date.parse(time) - 3600_000, filterPattern: "ERROR", interleaved: true },
  });
}

const listFunctions = (time: string, actor: Actor, region = HOME) => call(time, actor, "lambda", "ListFunctions20150331", { readOnly: true, region });

const getFunction = (time: string, actor: Actor, functionName: string) =>
  call(time, actor, "lambda", "GetFunction20150331v2", { readOnly: true, params: { functionName } });

function iamRead(time: string, actor: Actor, eventName: string, params: JsonObject | null = null): Rec {
  return call(time, actor, "iam", eventName, { readOnly: true, params });
}

/** The attacker's refused calls: the error code and message each service really returns. */
function denied(time: string, actor: Actor, service: Service, eventName: string, o: Omit<CallOptions, "error">, action: string, resource?: string): Rec {
  const caller = String(actor.identity.arn);
  const on = resource ? ` on resource: ${resource}` : "";
  const reason = `because no identity-based policy allows the ${action} action`;
  const error =
    service === "ec2"
      ? {
          code: "Client.UnauthorizedOperation",
          message: `You are not authorized to perform this operation. User: ${caller} is not authorized to perform: ${action}${on} ${reason}. Encoded authorization failure message: ${base64(`encoded:${time}:${resource}`, 312).replace(/[+/=]/g, "")}`,
        }
      : service === "s3"
        ? { code: "AccessDenied", message: "Access Denied" }
        : service === "secretsmanager"
          ? { code: "AccessDeniedException", message: `User: ${caller} is not authorized to perform: ${action}${on} ${reason}` }
          : { code: "AccessDenied", message: `User: ${caller} is not authorized to perform: ${action}${on} ${reason}` };
  return call(time, actor, service, eventName, { ...o, error });
}

// ---------------------------------------------------------------------------------------------------------------
// Cast

const DEPLOY: Role = { name: "deploy", path: "/" };
const GITHUB: Role = { name: "github-actions-oidc", path: "/" };
const DEVELOPER_SSO: Role = { name: "AWSReservedSSO_DeveloperAccess_3f1c9a7e2b5d4c68", path: "/aws-reserved/sso.amazonaws.com/" };
const ORDERS_API: Role = { name: "orders-api-role", path: "/service-role/" };
const INVOICE_WORKER: Role = { name: "invoice-worker-role", path: "/service-role/" };
const EU_REPORTS: Role = { name: "eu-reports-role", path: "/service-role/" };
const CONFIG: Role = { name: "AWSServiceRoleForConfig", path: "/aws-service-role/config.amazonaws.com/" };
const THUMBNAILS: Role = { name: "thumbnail-resizer-role", path: "/" };

const attacker: Actor = { identity: iamUser("ci-deployer", LEAKED_KEY), ip: ATTACKER_IP, agent: constant(BOTO3_WINDOWS), tls: true };
const jenkins: Actor = { identity: iamUser("ci-deployer", LEAKED_KEY), ip: NAT_IP, agent: awsCli(CLI_JENKINS), tls: true };
const grafana: Actor = { identity: iamUser("grafana-reader", GRAFANA_KEY), ip: GRAFANA_IP, agent: constant(GRAFANA), tls: true };
const alice: Actor = {
  identity: roleSession(DEVELOPER_SSO, "alice.nguyen@example.com", at("07:52:10")).identity,
  ip: OFFICE_IP,
  agent: awsCli(CLI_MAC),
  tls: true,
};
const bob: Actor = {
  identity: roleSession(DEVELOPER_SSO, "bob.schmidt@example.com", at("08:14:37")).identity,
  ip: OFFICE_IP,
  agent: awsCli(CLI_MAC),
  tls: true,
};
const configRecorder: Actor = {
  identity: roleSession(CONFIG, "AWSConfig-Describe", at("07:45:02"), { invokedBy: "config.amazonaws.com" }).identity,
  ip: "config.amazonaws.com",
  agent: constant("config.amazonaws.com"),
  tls: false,
};

const MARIA_SIGN_IN = at("08:09:03");
const maria: Actor = {
  identity: consoleSession("maria", MARIA_SIGN_IN),
  ip: OFFICE_IP,
  agent: (service) => (service === "ec2" ? "console.ec2.amazonaws.com" : "console.amazonaws.com"),
  tls: true,
  console: true,
};

// ---------------------------------------------------------------------------------------------------------------
// Ordinary noise

/** Grafana's dashboards poll with a read-only IAM user's key. */
function grafanaPolling(): Rec[] {
  return [
    ...every("08:01:07", "08:40:50", 180).map((t) =>
      call(t, grafana, "monitoring", "DescribeAlarms", { readOnly: true, params: { stateValue: "ALARM", maxRecords: 100 } }),
    ),
    ...every("08:02:11", "08:40:50", 600).map((t) => describeInstances(t, grafana)),
    ...every("08:04:50", "08:40:50", 600).map((t) => describeLogGroups(t, grafana)),
  ];
}

/** Lambda functions: the service assumes their roles at cold start; the code decrypts a secret with KMS. */
function lambdaFunction(fn: string, role: Role, coldStarts: string[], decrypts: string[], agent: string, key = KMS_KEY, region = HOME): Rec[] {
  const sessions = coldStarts.map((t) => roleSession(role, fn, t));
  const records = sessions.map((s) => serviceAssumesRole(s, "lambda.amazonaws.com", region));
  for (const t of decrypts) {
    const session = sessions.filter((s) => s.issued <= t).at(-1);
    if (!session) throw new Error(`${fn}: decrypt at ${t} before any cold start`);
    const actor: Actor = { identity: session.identity, ip: region === HOME ? NAT_IP : "192.0.2.90", agent: constant(agent), tls: true };
    records.push(kmsDecrypt(t, actor, { LambdaFunctionName: fn }, key, region));
  }
  return records;
}

/** AWS Config's service-linked role describes the resources it records. */
function configRecording(): Rec[] {
  return every("08:08:00", "08:40:50", 600).map((t) => describeSecurityGroups(t, configRecorder));
}

/** A GitHub Actions run: OIDC sign-in, Terraform chains into `deploy`, then reads (plan) or changes (apply). */
function githubRun(start: string, run: number, steps: (deploy: Actor, t: (seconds: number) => string) => Rec[]): Rec[] {
  const t = (seconds: number) => plusSeconds(at(start), seconds);
  const github = roleSession(GITHUB, "GitHubActions", t(0), { webIdentity: true });
  const subject = "repo:example-corp/platform:ref:refs/heads/main";
  const oidc: Actor = {
    identity: { type: "WebIdentityUser", principalId: `${OIDC_PROVIDER}:sts.amazonaws.com:${subject}`, userName: subject, identityProvider: OIDC_PROVIDER },
    ip: NAT_IP,
    agent: constant(GITHUB_ACTION),
    tls: true,
  };
  const signIn = call(t(0), oidc, "sts", "AssumeRoleWithWebIdentity", {
    readOnly: true,
    params: { roleArn: roleArn(GITHUB), roleSessionName: "GitHubActions", durationSeconds: 3600 },
    response: {
      credentials: credentials(github, 1),
      subjectFromWebIdentityToken: subject,
      assumedRoleUser: { assumedRoleId: `${roleId(GITHUB)}:GitHubActions`, arn: sessionArn(GITHUB, "GitHubActions") },
      provider: OIDC_PROVIDER,
      audience: "sts.amazonaws.com",
    },
    additional: { identityProviderConnectionVerificationMethod: "IAMTrustStore" },
    resources: [roleResource(GITHUB)],
  });
  const runner: Actor = { identity: github.identity, ip: NAT_IP, agent: terraform, tls: true };
  const deploySession = roleSession(DEPLOY, `terraform-platform-${run}`, t(9));
  const deploy: Actor = { identity: deploySession.identity, ip: NAT_IP, agent: terraform, tls: true };
  return [signIn, getCallerIdentity(t(8), runner), assumeRole(runner, deploySession), getCallerIdentity(t(10), deploy), ...steps(deploy, t)];
}

/** terraform plan of the orders-api stack: reads only. */
const terraformPlan = (deploy: Actor, t: (s: number) => string): Rec[] => [
  iamRead(t(14), deploy, "GetRole", { roleName: ORDERS_API.name }),
  iamRead(t(15), deploy, "ListRolePolicies", { roleName: ORDERS_API.name }),
  iamRead(t(15), deploy, "ListAttachedRolePolicies", { roleName: ORDERS_API.name }),
  getFunction(t(16), deploy, "orders-api"),
  describeSecurityGroups(t(17), deploy),
  getBucketLocation(t(18), deploy, "example-corp-artifacts"),
];

/** terraform apply of a new function: its role trusts only Lambda and gets the basic execution policy. */
const terraformApplyThumbnails = (deploy: Actor, t: (s: number) => string): Rec[] => {
  const trust = JSON.stringify({
    Statement: [{ Action: "sts:AssumeRole", Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" } }],
    Version: "2012-10-17",
  });
  const tags = [
    { key: "ManagedBy", value: "terraform" },
    { key: "Service", value: "thumbnail-resizer" },
  ];
  const created = t(21);
  const functionArn = `arn:aws:lambda:${HOME}:${ACCOUNT}:function:thumbnail-resizer`;
  return [
    call(created, deploy, "iam", "CreateRole", {
      readOnly: false,
      params: { path: "/", roleName: THUMBNAILS.name, assumeRolePolicyDocument: trust, description: "Execution role of thumbnail-resizer", maxSessionDuration: 3600, tags },
      response: {
        role: {
          path: "/",
          roleName: THUMBNAILS.name,
          roleId: roleId(THUMBNAILS),
          arn: roleArn(THUMBNAILS),
          createDate: awsDate(created),
          assumeRolePolicyDocument: encodeURIComponent(trust),
          tags,
        },
      },
    }),
    iamRead(t(22), deploy, "GetRole", { roleName: THUMBNAILS.name }),
    iamRead(t(22), deploy, "ListRolePolicies", { roleName: THUMBNAILS.name }),
    iamRead(t(23), deploy, "ListAttachedRolePolicies", { roleName: THUMBNAILS.name }),
    call(t(24), deploy, "iam", "AttachRolePolicy", {
      readOnly: false,
      params: { roleName: THUMBNAILS.name, policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole" },
    }),
    call(t(32), deploy, "lambda", "CreateFunction20150331", {
      readOnly: false,
      params: {
        functionName: "thumbnail-resizer",
        runtime: "nodejs20.x",
        role: roleArn(THUMBNAILS),
        handler: "index.handler",
        code: {},
        description: "Resizes uploaded images",
        timeout: 30,
        memorySize: 512,
        publish: false,
        packageType: "Zip",
        architectures: ["arm64"],
        tags: { ManagedBy: "terraform", Service: "thumbnail-resizer" },
      },
      response: {
        functionName: "thumbnail-resizer",
        functionArn,
        runtime: "nodejs20.x",
        role: roleArn(THUMBNAILS),
        handler: "index.handler",
        codeSize: 48213,
        description: "Resizes uploaded images",
        timeout: 30,
        memorySize: 512,
        lastModified: `${t(32).slice(0, 19)}.512+0000`,
        codeSha256: base64("thumbnail-resizer.zip", 32),
        version: "$LATEST",
        tracingConfig: { mode: "PassThrough" },
        revisionId: uuid("thumbnail-resizer revision"),
        state: "Pending",
        stateReason: "The function is being created.",
        stateReasonCode: "Creating",
        packageType: "Zip",
        architectures: ["arm64"],
        ephemeralStorage: { size: 512 },
        loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/thumbnail-resizer" },
      },
    }),
    getFunction(t(34), deploy, "thumbnail-resizer"),
  ];
};

/** Alice, a developer signed in through IAM Identity Center, looks around with the CLI. */
function developerAlice(): Rec[] {
  return [
    getCallerIdentity(at("08:03:02"), alice),
    describeInstances(at("08:03:09"), alice),
    describeSecurityGroups(at("08:03:30"), alice),
    filterLogEvents(at("08:04:12"), alice, "orders-api"),
    listFunctions(at("08:15:21"), alice),
    filterLogEvents(at("08:15:48"), alice, "invoice-worker"),
    filterLogEvents(at("08:16:30"), alice, "invoice-worker"),
    listBuckets(at("08:19:05"), alice),
    getBucketLocation(at("08:19:06"), alice, "example-corp-static-site"),
    getBucketLocation(at("08:19:06"), alice, "example-corp-artifacts"),
    // One refused call on its own is ordinary: developers do not read production secrets.
    denied(
      at("08:19:44"),
      alice,
      "secretsmanager",
      "GetSecretValue",
      { readOnly: true, params: { secretId: "prod/orders-api/db" } },
      "secretsmanager:GetSecretValue",
      `arn:aws:secretsmanager:${HOME}:${ACCOUNT}:secret:prod/orders-api/db-Xq3k9z`,
    ),
    getCallerIdentity(at("08:34:10"), alice),
    describeInstances(at("08:34:18"), alice),
    describeSecurityGroups(at("08:34:25"), alice),
    listFunctions(at("08:35:02"), alice),
    filterLogEvents(at("08:40:33"), alice, "orders-api"),
  ];
}

/** Maria signs in with MFA and browses the EC2 and CloudWatch consoles. */
function mariaAtWork(): Rec[] {
  return [
    consoleLogin(MARIA_SIGN_IN, "maria", { ip: OFFICE_IP, userAgent: CHROME_MAC, success: true, mfaDevice: `arn:aws:iam::${ACCOUNT}:mfa/maria-iphone` }),
    describeInstances(at("08:09:20"), maria),
    describeSecurityGroups(at("08:09:21"), maria),
    call(at("08:09:22"), maria, "ec2", "DescribeAddresses", { readOnly: true, params: { filterSet: {}, publicIpsSet: {}, allocationIdsSet: {} } }),
    call(at("08:10:02"), maria, "monitoring", "DescribeAlarms", { readOnly: true, params: { maxRecords: 100 } }),
    describeInstances(at("08:13:44"), maria),
    describeInstances(at("08:22:10"), maria),
    describeSecurityGroups(at("08:22:12"), maria),
  ];
}

/** The Jenkins job that ci-deployer's key was made for, from the build agents. */
function jenkinsJob(start: string): Rec[] {
  const t = (s: number) => plusSeconds(at(start), s);
  return [
    getCallerIdentity(t(0), jenkins),
    call(t(2), jenkins, "ec2", "DescribeImages", {
      readOnly: true,
      params: { executableBySet: {}, ownersSet: { items: [{ owner: "self" }] }, filterSet: {}, includeDeprecated: false },
    }),
    describeInstances(t(4), jenkins),
    listBuckets(t(6), jenkins),
  ];
}

/** A second region: Bob checks the EU reporting function (eu-west-1 file). */
function euWest1(): Rec[] {
  const region = "eu-west-1";
  return [
    ...lambdaFunction("eu-reports", EU_REPORTS, [at("08:15:12")], every("08:15:14", "08:19:59", 100), LAMBDA_PYTHON, KMS_KEY_EU, region),
    getCallerIdentity(at("08:16:40"), bob, region),
    describeInstances(at("08:16:51"), bob, region),
    describeSecurityGroups(at("08:17:03"), bob, region),
    listFunctions(at("08:17:30"), bob, region),
    describeLogGroups(at("08:18:02"), bob, region),
    filterLogEvents(at("08:18:20"), bob, "eu-reports", region),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// The incident

/** Someone guesses maria's password from one address: five failures in under four minutes. */
function passwordGuessing(): Rec[] {
  return ["08:02:14", "08:02:58", "08:03:41", "08:04:37", "08:05:52"].map((t) =>
    consoleLogin(at(t), "maria", { ip: BRUTE_FORCE_IP, userAgent: FIREFOX_LINUX, success: false }),
  );
}

/** 1. The leaked key is tried from a new address with a new client: who am I, what is there. */
function recon(): Rec[] {
  return [
    getCallerIdentity(at("08:21:05"), attacker),
    iamRead(at("08:21:30"), attacker, "ListUsers"),
    iamRead(at("08:21:41"), attacker, "ListRoles"),
    iamRead(at("08:22:02"), attacker, "ListAttachedUserPolicies", { userName: "ci-deployer" }),
  ];
}

const ADMIN_DOCUMENT = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

/** 2. Probing what the key can do: 16 refused calls in under three minutes. */
function probing(): Rec[] {
  const runInstances = (t: string, instanceType: string, maxCount: number) =>
    denied(
      at(t),
      attacker,
      "ec2",
      "RunInstances",
      {
        readOnly: false,
        params: {
          instancesSet: { items: [{ imageId: "ami-0c7217cdde317cfec", minCount: 1, maxCount }] },
          instanceType,
          blockDeviceMapping: {},
          monitoring: { enabled: false },
          disableApiTermination: false,
          disableApiStop: false,
          clientToken: uuid(`client-token:${t}`),
        },
      },
      "ec2:RunInstances",
      `arn:aws:ec2:${HOME}:${ACCOUNT}:instance/*`,
    );
  const listObjects = (t: string, bucket: string) => {
    const host = `${bucket}.s3.amazonaws.com`;
    return denied(
      at(t),
      attacker,
      "s3",
      "ListObjects",
      {
        readOnly: true,
        data: true,
        params: { "list-type": "2", bucketName: bucket, "encoding-type": "url", Host: host },
        additional: s3Extra(`lo:${t}`, 243),
        resources: [bucketResource(bucket)],
        host,
        requestID: s3RequestId(`lo:${t}`),
      },
      "s3:ListBucket",
    );
  };
  const getObject = (t: string, bucket: string, key: string) => {
    const host = `${bucket}.s3.amazonaws.com`;
    return denied(
      at(t),
      attacker,
      "s3",
      "GetObject",
      {
        readOnly: true,
        data: true,
        params: { bucketName: bucket, Host: host, key },
        additional: s3Extra(`go:${t}`, 243),
        resources: [{ type: "AWS::S3::Object", ARN: `arn:aws:s3:::${bucket}/${key}` }, bucketResource(bucket)],
        host,
        requestID: s3RequestId(`go:${t}`),
      },
      "s3:GetObject",
    );
  };
  const ownPolicy = `arn:aws:iam::${ACCOUNT}:policy/ci-deployer-permissions`;
  const createPolicyVersion = (t: string) =>
    call(at(t), attacker, "iam", "CreatePolicyVersion", {
      readOnly: false,
      params: { policyArn: ownPolicy, policyDocument: prettyPolicy(ADMIN_DOCUMENT), setAsDefault: true },
      error: {
        code: "AccessDenied",
        message: `User: ${userArn("ci-deployer")} is not authorized to perform: iam:CreatePolicyVersion on resource: policy ${ownPolicy} with an explicit deny in an identity-based policy`,
      },
    });
  const listSecrets = (t: string) =>
    denied(at(t), attacker, "secretsmanager", "ListSecrets", { readOnly: true, params: { maxResults: 100 } }, "secretsmanager:ListSecrets");
  return [
    runInstances("08:24:10", "p3.16xlarge", 10),
    runInstances("08:24:13", "p3.8xlarge", 10),
    runInstances("08:24:17", "g4dn.12xlarge", 10),
    runInstances("08:24:21", "c5.24xlarge", 4),
    runInstances("08:24:26", "c5.4xlarge", 1),
    listObjects("08:25:02", "example-corp-prod-backups"),
    getObject("08:25:06", "example-corp-prod-backups", "db/orders-2026-11-19.sql.gz"),
    getObject("08:25:09", "example-corp-prod-backups", "db/customers-2026-11-19.sql.gz"),
    listObjects("08:25:15", "example-corp-terraform-state"),
    getObject("08:25:19", "example-corp-terraform-state", "prod/terraform.tfstate"),
    listObjects("08:25:27", "example-corp-customer-exports"),
    createPolicyVersion("08:25:58"),
    createPolicyVersion("08:26:04"),
    listSecrets("08:26:31"),
    listSecrets("08:26:40"),
    listSecrets("08:26:52"),
  ];
}

/** 3. A backdoor user with a password, a key, and AdministratorAccess. */
function backdoorUser(): Rec[] {
  const name = "support-backup";
  const created = at("08:28:12");
  const keyCreated = at("08:29:02");
  return [
    call(created, attacker, "iam", "CreateUser", {
      readOnly: false,
      params: { userName: name },
      response: { user: { path: "/", userName: name, userId: userId(name), arn: userArn(name), createDate: awsDate(created) } },
    }),
    call(at("08:28:39"), attacker, "iam", "CreateLoginProfile", {
      readOnly: false,
      params: { userName: name, passwordResetRequired: false },
      response: { loginProfile: { userName: name, createDate: awsDate(at("08:28:39")), passwordResetRequired: false } },
    }),
    call(keyCreated, attacker, "iam", "CreateAccessKey", {
      readOnly: false,
      params: { userName: name },
      response: { accessKey: { userName: name, accessKeyId: BACKDOOR_KEY, status: "Active", createDate: awsDate(keyCreated) } },
    }),
    call(at("08:29:30"), attacker, "iam", "AttachUserPolicy", {
      readOnly: false,
      params: { userName: name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
    }),
  ];
}

/** 7. The attacker checks the console password works: no MFA on the new user. */
function backdoorSignIn(): Rec[] {
  return [consoleLogin(at("08:31:15"), "support-backup", { ip: ATTACKER_IP, userAgent: EDGE_WINDOWS, success: true })];
}

/** 4 and 5. Anyone may now assume `deploy`; an admin policy waits unattached; `deploy` can run code as any role. */
function policyChanges(): Rec[] {
  const openTrust = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }] };
  const escalation = {
    Version: "2012-10-17",
    Statement: [
      { Sid: "BackupAutomation", Effect: "Allow", Action: ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], Resource: "*" },
    ],
  };
  const created = at("08:35:05");
  const policyArn = `arn:aws:iam::${ACCOUNT}:policy/backup-ops`;
  return [
    call(at("08:33:40"), attacker, "iam", "UpdateAssumeRolePolicy", {
      readOnly: false,
      params: { roleName: DEPLOY.name, policyDocument: prettyPolicy(openTrust) },
    }),
    call(created, attacker, "iam", "CreatePolicy", {
      readOnly: false,
      params: { policyName: "backup-ops", policyDocument: prettyPolicy(ADMIN_DOCUMENT), description: "Backup operations" },
      response: {
        policy: {
          policyName: "backup-ops",
          policyId: awsId("ANPA", "policy:backup-ops"),
          arn: policyArn,
          path: "/",
          defaultVersionId: "v1",
          attachmentCount: 0,
          permissionsBoundaryUsageCount: 0,
          isAttachable: true,
          createDate: awsDate(created),
          updateDate: awsDate(created),
        },
      },
    }),
    call(at("08:36:22"), attacker, "iam", "PutRolePolicy", {
      readOnly: false,
      params: { roleName: DEPLOY.name, policyName: "backup-automation", policyDocument: prettyPolicy(escalation) },
    }),
  ];
}

/** 6. Covering tracks: the trail stops, and with it this log. */
const STOPPED = at("08:40:51");
function stopLogging(): Rec[] {
  return [call(STOPPED, attacker, "cloudtrail", "StopLogging", { readOnly: false, params: { name: TRAIL_ARN } })];
}

// ---------------------------------------------------------------------------------------------------------------
// The story, then the files

function story(): Rec[] {
  const noise = [
    ...grafanaPolling(),
    ...lambdaFunction("orders-api", ORDERS_API, [at("08:00:58"), at("08:16:02"), at("08:31:40")], every("08:01:03", "08:40:50", 180), LAMBDA_NODE),
    ...lambdaFunction("invoice-worker", INVOICE_WORKER, [at("08:05:12"), at("08:25:30")], every("08:05:20", "08:40:50", 300), LAMBDA_PYTHON),
    ...configRecording(),
    ...developerAlice(),
    ...mariaAtWork(),
    ...githubRun("08:06:30", 1184, terraformPlan),
    ...githubRun("08:11:10", 1185, terraformApplyThumbnails),
    ...githubRun("08:27:05", 1186, terraformPlan),
    ...jenkinsJob("08:07:40"),
    ...jenkinsJob("08:30:05"),
    ...euWest1(),
  ];
  const incident = [
    ...passwordGuessing(),
    ...recon(),
    ...probing(),
    ...backdoorUser(),
    ...backdoorSignIn(),
    ...policyChanges(),
    ...stopLogging(),
  ];
  for (const r of incident) r.part = "incident";
  // Stable sort: records of the same second keep the order written above.
  return [...noise, ...incident].sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
}

interface LogFile {
  path: string;
  region: string;
  from: string;
  to: string;
  records: Rec[];
}

/** One file per region and 5-minute window, named as CloudTrail names them (the stamp is the window's end). */
function files(records: Rec[], root: string): LogFile[] {
  const byKey = new Map<string, LogFile>();
  for (const r of records) {
    const ms = Date.parse(r.time);
    const start = ms - (ms % 300_000);
    const key = `${r.region}|${start}`;
    let file = byKey.get(key);
    if (!file) {
      const end = iso(start + 300_000);
      const stamp = `${end.slice(0, 4)}${end.slice(5, 7)}${end.slice(8, 10)}T${end.slice(11, 13)}${end.slice(14, 16)}Z`;
      const name = `${ACCOUNT}_CloudTrail_${r.region}_${stamp}_${encode(`file:${key}`, BASE62, 16)}.json.gz`;
      const path = join(root, "AWSLogs", ACCOUNT, "CloudTrail", r.region, ...DAY.split("-"), name);
      file = { path, region: r.region, from: iso(start).slice(11, 16), to: end.slice(11, 16), records: [] };
      byKey.set(key, file);
    }
    file.records.push(r);
  }
  return [...byKey.values()].sort((a, b) => (a.region === b.region ? a.path.localeCompare(b.path) : a.region === HOME ? -1 : 1));
}

function check(records: Rec[]): void {
  const ids = new Set<string>();
  for (const r of records) {
    const id = String(r.record.eventID);
    if (ids.has(id)) throw new Error(`duplicate eventID ${id}`);
    ids.add(id);
    if (r.time > STOPPED) throw new Error(`${r.record.eventName} at ${r.time} comes after StopLogging: the trail would not have delivered it`);
  }
}

function updateReadme(readmePath: string, root: string, logFiles: LogFile[], records: Rec[]): void {
  const START = "<!-- files:start (generated by scripts/build-samples.ts) -->";
  const END = "<!-- files:end -->";
  const readme = readFileSync(readmePath, "utf8");
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) throw new Error(`${readmePath} lacks the ${START} ... ${END} markers`);
  const count = (part: Part) => records.filter((r) => r.part === part).length;
  const rows = logFiles.map((f) => {
    const incident = f.records.filter((r) => r.part === "incident").length;
    return `| \`${relative(root, f.path)}\` | ${f.from}–${f.to} | ${f.records.length} | ${incident} |`;
  });
  const table = [
    "| file (under `samples/`) | UTC | records | of which incident |",
    "|---|---|---|---|",
    ...rows,
    `| **total** | | **${records.length}** | **${count("incident")}** (noise ${count("noise")}) |`,
  ].join("\n");
  writeFileSync(readmePath, `${readme.slice(0, start)}${START}\n${table}\n${readme.slice(end)}`);
}

function main(): void {
  const root = join(import.meta.dirname, "..", "samples");
  const records = story();
  check(records);
  const logFiles = files(records, root);
  rmSync(join(root, "AWSLogs"), { recursive: true, force: true });
  for (const f of logFiles) {
    mkdirSync(dirname(f.path), { recursive: true });
    const body = JSON.stringify({ Records: f.records.map((r) => r.record) });
    writeFileSync(f.path, gzipSync(body, { level: 9 }));
    console.log(`${relative(root, f.path)}  ${f.records.length} records`);
  }
  updateReadme(join(root, "README.md"), root, logFiles, records);
  const incident = records.filter((r) => r.part === "incident").length;
  console.log(`${logFiles.length} files, ${records.length} records (${records.length - incident} noise, ${incident} incident)`);
}

main();

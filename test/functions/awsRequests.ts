import { AsyncLocalStorage } from "node:async_hooks";
import { CloudTrailClient } from "@aws-sdk/client-cloudtrail";
import { IAMClient } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { S3Client } from "@aws-sdk/client-s3";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SecurityHubClient } from "@aws-sdk/client-securityhub";
import { SNSClient } from "@aws-sdk/client-sns";
import { SSMClient } from "@aws-sdk/client-ssm";
import { STSClient } from "@aws-sdk/client-sts";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { OrganizationSettings, RemediationSettings } from "@vigil/monitor";
import { ACCOUNT, REGION } from "./lambdaEvents.ts";

/**
 * Which handler sent what: every request a handler's SDK clients send while it runs, as the IAM
 * action and resources AWS would authorize it against, so a test can hold them to the role the
 * stack gives that function. A test's own reads of the store happen outside any handler and are
 * not recorded.
 */
export type FunctionRole =
  | { fn: "notifySlack" | "retryNotifications" | "api" }
  /** `organization` in organization mode: the role then also reads the organization's tree. */
  | { fn: "evaluate"; organization?: OrganizationSettings }
  /** `organization` in organization mode: the role then also reads the organization and assumes the audit roles. */
  | { fn: "posture"; remediation: RemediationSettings; organization?: OrganizationSettings }
  /** The spoke's audit role in a member account, whose credentials the posture function reads that account with. */
  | { fn: "audit"; account: string; remediation: RemediationSettings }
  /** The export sweep, with where the stage exports. */
  | { fn: "exportFindings"; securityHubRegion?: string; ocsf?: { bucket: string; prefix: string; roleArn?: string } }
  /** Security Lake's provider role for the custom source, whose credentials the export sweep writes with when it is configured. */
  | { fn: "securityLakeProvider"; bucket: string; prefix: string };

export interface AwsRequest {
  /** The function that sent it, as the stack builds its role. */
  role: FunctionRole;
  /** `service:Operation`, as a policy names it. */
  action: string;
  /** The ARNs AWS authorizes the request on; `*` for actions that take no resource. */
  resources: string[];
}

const running = new AsyncLocalStorage<FunctionRole>();
const requests: AwsRequest[] = [];

/** The handler, recording what it sends as the function `role`. */
export function asFunction<H extends (...args: any[]) => any>(role: FunctionRole, handler: H): H {
  return ((...args: Parameters<H>) => {
    // A test may have re-stubbed a client since (aws-sdk-client-mock's reset() replaces the stub): wrap it again.
    wrapClients();
    return running.run(role, () => handler(...args));
  }) as H;
}

/** The services the handlers call: DynamoDB for real (dynalite), the rest through aws-sdk-client-mock. */
const CLIENTS = [
  ["dynamodb", DynamoDBDocumentClient],
  ["sns", SNSClient],
  ["ssm", SSMClient],
  ["secretsmanager", SecretsManagerClient],
  ["iam", IAMClient],
  ["cloudtrail", CloudTrailClient],
  ["sts", STSClient],
  ["organizations", OrganizationsClient],
  ["securityhub", SecurityHubClient],
  ["s3", S3Client],
] as const;

const WRAPPED = Symbol("vigil.recordsRequests");

/** What the handlers run through asFunction send from now on; the array fills as they run. */
export function recordAwsRequests(): AwsRequest[] {
  wrapClients();
  return requests;
}

/** Wraps each client's `send` as it now is (a mock's stub, or the SDK's own for DynamoDB), calling through. */
function wrapClients(): void {
  for (const [service, Client] of CLIENTS) {
    const prototype = Client.prototype as unknown as Record<PropertyKey, unknown>;
    const send = prototype.send as ((this: unknown, command: Command, ...rest: unknown[]) => unknown) & { [WRAPPED]?: true };
    if (send[WRAPPED]) continue;
    const recording = function (this: unknown, command: Command, ...rest: unknown[]) {
      const role = running.getStore();
      const assumed = role && assumedRoleOf(role, service);
      if (role && assumed) {
        // Sent with another role's credentials: held to that role, not the function's.
        const client = this as { config: { credentials: () => Promise<{ accessKeyId: string }> } };
        return client.config
          .credentials()
          .then((identity) => identity.accessKeyId, () => "")
          .then((accessKeyId) => {
            const as = assumed(accessKeyId) ?? role;
            requests.push({ role: as, ...authorization(service, command, as) });
            return send.call(this, command, ...rest);
          });
      }
      if (role) requests.push({ role, ...authorization(service, command, role) });
      return send.call(this, command, ...rest);
    };
    prototype.send = Object.assign(recording, { [WRAPPED]: true as const });
  }
}

/**
 * Where a function's requests to `service` may carry another role's credentials, the role those
 * credentials are of (undefined: the function's own):
 * - in organization mode the posture function reads member accounts with their audit role's;
 * - the export sweep writes OCSF objects with Security Lake's provider role's, which the simulated
 *   STS hands out with access key ids ending LAKE.
 */
function assumedRoleOf(role: FunctionRole, service: string): ((accessKeyId: string) => FunctionRole | undefined) | undefined {
  if (role.fn === "posture" && role.organization && (service === "iam" || service === "cloudtrail")) {
    return (accessKeyId) => {
      const member = auditAccountOf(accessKeyId);
      return member ? { fn: "audit", account: member, remediation: role.remediation } : undefined;
    };
  }
  if (role.fn === "exportFindings" && role.ocsf && service === "s3") {
    const { bucket, prefix } = role.ocsf;
    return (accessKeyId) => (accessKeyId.endsWith("LAKE") ? { fn: "securityLakeProvider", bucket, prefix } : undefined);
  }
  return undefined;
}

/**
 * The member account whose audit role issued these credentials: the simulated organization's STS
 * (test/packages/monitor/simulatedAccounts.ts) hands out access key ids `ASIA<account>AUDT`.
 */
function auditAccountOf(accessKeyId: string): string | undefined {
  return /^ASIA(\d{12})AUDT$/.exec(accessKeyId)?.[1];
}

interface Command {
  constructor: { name: string };
  input: Record<string, any>;
}

/** The document client's commands by the DynamoDB operation each sends. */
const DOCUMENT_OPERATIONS: Record<string, string> = {
  Get: "GetItem",
  Put: "PutItem",
  Update: "UpdateItem",
  Delete: "DeleteItem",
  BatchGet: "BatchGetItem",
  BatchWrite: "BatchWriteItem",
};

function authorization(service: (typeof CLIENTS)[number][0], command: Command, role: FunctionRole): Omit<AwsRequest, "role"> {
  const name = command.constructor.name.replace(/Command$/, "");
  const input = command.input;
  const arn = (svc: string, resource: string, region = REGION) => `arn:aws:${svc}:${region}:${ACCOUNT}:${resource}`;
  switch (service) {
    case "dynamodb": {
      const tables: string[] = input.TableName ? [input.TableName] : Object.keys(input.RequestItems ?? {});
      const index = input.IndexName ? `/index/${input.IndexName}` : "";
      return { action: `dynamodb:${DOCUMENT_OPERATIONS[name] ?? name}`, resources: tables.map((table) => arn("dynamodb", `table/${tableRole(table)}${index}`)) };
    }
    case "sns":
      return { action: `sns:${name}`, resources: [input.TopicArn] };
    case "ssm":
      return { action: `ssm:${name}`, resources: (input.Names ?? [input.Name]).map((parameter: string) => arn("ssm", `parameter${parameter}`)) };
    case "secretsmanager":
      return { action: `secretsmanager:${name}`, resources: [input.SecretId] };
    case "iam": {
      const account = role.fn === "audit" ? role.account : ACCOUNT;
      const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
      if (input.PolicyArn) return { action: `iam:${name}`, resources: [input.PolicyArn] };
      // GenerateServiceLastAccessedDetails: the user, group, role or policy the job is for.
      if (input.Arn) return { action: `iam:${name}`, resources: [input.Arn] };
      if (input.RoleName) return { action: `iam:${name}`, resources: [iam(`role/${input.RoleName}`)] };
      if (input.GroupName) return { action: `iam:${name}`, resources: [iam(`group/${input.GroupName}`)] };
      if (input.UserName) return { action: `iam:${name}`, resources: [iam(`user/${input.UserName}`)] };
      return { action: `iam:${name}`, resources: ["*"] };
    }
    case "cloudtrail": {
      const trail: string | undefined = input.Name ?? input.TrailName;
      if (!trail) return { action: `cloudtrail:${name}`, resources: ["*"] };
      return { action: `cloudtrail:${name}`, resources: [trail.startsWith("arn:") ? trail : arn("cloudtrail", `trail/${trail}`)] };
    }
    case "sts":
      // AssumeRole is authorized on the role it assumes; GetCallerIdentity on nothing.
      return { action: `sts:${name}`, resources: [input.RoleArn ?? "*"] };
    case "securityhub": {
      // BatchImportFindings is authorized on each finding's product, BatchUpdateFindings on the caller's hub.
      if (name === "BatchImportFindings") return { action: `securityhub:${name}`, resources: [...new Set<string>(input.Findings.map((finding: { ProductArn: string }) => finding.ProductArn))] };
      const region = role.fn === "exportFindings" ? (role.securityHubRegion ?? REGION) : REGION;
      return { action: `securityhub:${name}`, resources: [arn("securityhub", "hub/default", region)] };
    }
    case "s3":
      return { action: `s3:${name}`, resources: [`arn:aws:s3:::${input.Bucket}/${input.Key}`] };
    case "organizations": {
      // A parent's ARN names the management account and the organization (Organizations' resource types "root" and "ou").
      const parent: string | undefined = input.ParentId;
      const organization = role.fn === "evaluate" || role.fn === "posture" ? role.organization : undefined;
      if (!parent || !organization) return { action: `organizations:${name}`, resources: ["*"] };
      const type = parent.startsWith("r-") ? "root" : "ou";
      return { action: `organizations:${name}`, resources: [`arn:aws:organizations::${organization.managementAccountId}:${type}/${organization.id}/${parent}`] };
    }
  }
}

/** Each deployment's tables are named vigil-test-<n>-FindingsTable, -StateTable: the role names the kind. */
function tableRole(table: string): string {
  return table.replace(/^vigil-test-\d+-/, "");
}

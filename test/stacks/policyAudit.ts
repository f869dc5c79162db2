import { createHash } from "node:crypto";
import type { ConfigInput, Finding } from "@vigil/core";
import { evaluateValue } from "../helpers/evaluate.ts";

/**
 * Vigil's own rules run over every policy Vigil deploys. Each document of a synthesized template
 * becomes the CloudTrail record CloudFormation's call would leave (PutRolePolicy, CreatePolicy,
 * UpdateAssumeRolePolicy, AttachRolePolicy), with CloudFormation intrinsics resolved to plausible
 * names and ARNs, and the real engine evaluates them with the whole catalogue, no suppressions.
 *
 * Resource policies (queue, topic, key, Lambda permission) go through twice: as a managed policy
 * (what they allow) and as a trust policy whose statements are recast to sts:AssumeRole, so the
 * trust rules judge who they let in (anyone, or an account outside this one).
 */

export interface TemplateUnderAudit {
  stackName: string;
  region: string;
  account: string;
  template: { Resources?: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  /** The values of the template's parameters, as a deploy would pass them. */
  parameters?: Record<string, string>;
}

export interface AuditedDocument {
  /** `<stack>/<logical id>: <what>`. */
  label: string;
  record: Record<string, unknown>;
}

export class UnresolvableIntrinsicError extends Error {
  override name = "UnresolvableIntrinsicError";
}

type Json = unknown;
type Resources = NonNullable<TemplateUnderAudit["template"]["Resources"]>;

/** The property of each resource type that holds a resource-based policy document. */
const RESOURCE_POLICIES: Record<string, string> = {
  "AWS::SQS::QueuePolicy": "PolicyDocument",
  "AWS::SNS::TopicPolicy": "PolicyDocument",
  "AWS::KMS::Key": "KeyPolicy",
  "AWS::S3::BucketPolicy": "PolicyDocument",
  "AWS::SecretsManager::ResourcePolicy": "ResourcePolicy",
};
const IDENTITY_TYPES = new Set(["AWS::IAM::Role", "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]);
/** Resource policies recorded by a builder of their own in auditRecords. */
const BUILT_POLICIES = new Set(["AWS::Lambda::Permission", "AWS::Events::EventBusPolicy"]);

/** Resolves Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select and Fn::Split against one template. */
export class IntrinsicResolver {
  readonly #audit: TemplateUnderAudit;
  readonly #resources: Resources;

  constructor(audit: TemplateUnderAudit) {
    this.#audit = audit;
    this.#resources = audit.template.Resources ?? {};
  }

  /** The physical name CloudFormation would give a resource: `<stack>-<logical id>`. */
  name(logicalId: string): string {
    return `${this.#audit.stackName}-${logicalId}`;
  }

  resolve(value: Json): Json {
    if (Array.isArray(value)) return value.map((item) => this.resolve(item));
    if (typeof value !== "object" || value === null) return value;
    const entries = Object.entries(value);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === "Ref" || key.startsWith("Fn::"))) return this.#intrinsic(key, argument);
    return Object.fromEntries(entries.map(([name, item]) => [name, this.resolve(item)]));
  }

  #intrinsic(name: string, argument: Json): Json {
    switch (name) {
      case "Ref":
        return this.#ref(String(argument));
      case "Fn::GetAtt": {
        const [logicalId, attribute] = Array.isArray(argument) ? argument : String(argument).split(".");
        return this.#getAtt(String(logicalId), String(attribute));
      }
      case "Fn::Join": {
        const [separator, parts] = argument as [string, Json[]];
        return (this.resolve(parts) as Json[]).map(String).join(separator);
      }
      case "Fn::Select": {
        const [index, list] = argument as [number, Json];
        return (this.resolve(list) as Json[])[Number(index)];
      }
      case "Fn::Split": {
        const [separator, text] = argument as [string, Json];
        return String(this.resolve(text)).split(separator);
      }
      case "Fn::Sub": {
        const [text, variables] = Array.isArray(argument) ? (argument as [string, Record<string, Json>]) : [String(argument), {}];
        return text.replace(/\$\{([^}!]+)\}/g, (_, reference: string) => {
          if (reference in variables) return String(this.resolve(variables[reference]));
          const [logicalId, attribute] = reference.split(".");
          return String(attribute ? this.#getAtt(String(logicalId), attribute) : this.#ref(reference));
        });
      }
      default:
        throw new UnresolvableIntrinsicError(`${this.#audit.stackName}: ${name} is not resolved by the audit`);
    }
  }

  #ref(reference: string): string {
    const { account, region, stackName } = this.#audit;
    const pseudo: Record<string, string> = {
      "AWS::AccountId": account,
      "AWS::Region": region,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
      "AWS::StackName": stackName,
    };
    if (reference in pseudo) return pseudo[reference] as string;
    const parameter = this.#audit.parameters?.[reference];
    if (parameter !== undefined) return parameter;
    const type = this.#typeOf(reference);
    switch (type) {
      case "AWS::SNS::Topic":
        return `arn:aws:sns:${region}:${account}:${this.name(reference)}`;
      case "AWS::SQS::Queue":
        return `https://sqs.${region}.amazonaws.com/${account}/${this.name(reference)}`;
      case "AWS::IAM::ManagedPolicy":
        return `arn:aws:iam::${account}:policy/${this.name(reference)}`;
      case "AWS::KMS::Key":
        return keyId(this.name(reference));
      default:
        return this.name(reference);
    }
  }

  #getAtt(logicalId: string, attribute: string): string {
    const { account, region } = this.#audit;
    const type = this.#typeOf(logicalId);
    const name = this.name(logicalId);
    const arns: Record<string, string> = {
      "AWS::IAM::Role": `arn:aws:iam::${account}:role/${name}`,
      "AWS::DynamoDB::Table": `arn:aws:dynamodb:${region}:${account}:table/${name}`,
      "AWS::SQS::Queue": `arn:aws:sqs:${region}:${account}:${name}`,
      "AWS::KMS::Key": `arn:aws:kms:${region}:${account}:key/${keyId(name)}`,
      "AWS::Lambda::Function": `arn:aws:lambda:${region}:${account}:function:${name}`,
      "AWS::Events::Rule": `arn:aws:events:${region}:${account}:rule/${name}`,
      "AWS::Logs::LogGroup": `arn:aws:logs:${region}:${account}:log-group:${name}:*`,
      "AWS::SNS::Topic": `arn:aws:sns:${region}:${account}:${name}`,
    };
    if ((attribute === "Arn" || attribute === "TopicArn") && arns[type]) return arns[type];
    if (attribute === "QueueName" || attribute === "TopicName") return name;
    if (attribute === "QueueUrl") return `https://sqs.${region}.amazonaws.com/${account}/${name}`;
    throw new UnresolvableIntrinsicError(`${this.#audit.stackName}: Fn::GetAtt ${logicalId}.${attribute} (${type}) is not resolved by the audit`);
  }

  #typeOf(logicalId: string): string {
    const resource = this.#resources[logicalId];
    if (!resource) throw new UnresolvableIntrinsicError(`${this.#audit.stackName}: no resource ${logicalId}`);
    return resource.Type;
  }
}

function keyId(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** CloudFormation's execution role, making the calls as CloudFormation does. */
function cloudTrailRecord(audit: TemplateUnderAudit, label: string, eventName: string, requestParameters: Record<string, unknown>, responseElements: Record<string, unknown> | null = null) {
  const role = `cdk-hnb659fds-cfn-exec-role-${audit.account}-${audit.region}`;
  const eventID = keyId(label);
  return {
    eventVersion: "1.10",
    userIdentity: {
      type: "AssumedRole",
      principalId: "AROA6ON6E4XECFNEXEC01:AWSCloudFormation",
      arn: `arn:aws:sts::${audit.account}:assumed-role/${role}/AWSCloudFormation`,
      accountId: audit.account,
      sessionContext: {
        sessionIssuer: { type: "Role", principalId: "AROA6ON6E4XECFNEXEC01", arn: `arn:aws:iam::${audit.account}:role/${role}`, accountId: audit.account, userName: role },
        attributes: { creationDate: "2026-11-22T11:58:00Z", mfaAuthenticated: "false" },
      },
      invokedBy: "cloudformation.amazonaws.com",
    },
    eventTime: "2026-11-22T12:00:00Z",
    eventSource: "iam.amazonaws.com",
    eventName,
    awsRegion: "us-east-1",
    sourceIPAddress: "cloudformation.amazonaws.com",
    userAgent: "cloudformation.amazonaws.com",
    requestParameters,
    responseElements,
    requestID: eventID,
    eventID,
    readOnly: false,
    eventType: "AwsApiCall",
    managementEvent: true,
    recipientAccountId: audit.account,
    eventCategory: "Management",
  };
}

type Document = { Version?: string; Statement?: Json };

function statements(document: Document): Record<string, Json>[] {
  const list = document.Statement;
  return (Array.isArray(list) ? list : list ? [list] : []) as Record<string, Json>[];
}

/** Who a resource policy lets in, as a trust policy the trust rules can judge. */
function asTrust(document: Document): Document | undefined {
  const recast = statements(document)
    .filter((statement) => statement.Principal !== undefined || statement.NotPrincipal !== undefined)
    .map(({ Action: _action, NotAction: _notAction, Resource: _resource, NotResource: _notResource, ...rest }) => ({ ...rest, Action: "sts:AssumeRole" }));
  return recast.length > 0 ? { Version: "2012-10-17", Statement: recast } : undefined;
}

/** A Lambda permission as the statement it adds to the function's resource policy. */
function lambdaPermissionDocument(properties: Record<string, Json>): Document {
  const principal = String(properties.Principal);
  const condition: Record<string, Record<string, Json>> = {};
  if (properties.SourceArn) condition.ArnLike = { "aws:SourceArn": properties.SourceArn };
  if (properties.SourceAccount) condition.StringEquals = { "aws:SourceAccount": properties.SourceAccount };
  return {
    Statement: {
      Effect: "Allow",
      Principal: principal === "*" ? "*" : principal.endsWith(".amazonaws.com") ? { Service: principal } : { AWS: principal },
      Action: properties.Action,
      Resource: properties.FunctionName,
      ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
    },
  };
}

/** An event bus policy in its Statement form, as the one statement of the bus's policy. */
function eventBusPolicyDocument(properties: Record<string, Json>): Document | undefined {
  return properties.Statement ? { Version: "2012-10-17", Statement: [properties.Statement] } : undefined;
}

/** Every policy document of a template, as CloudTrail records; throws on a document it does not know how to record. */
export function auditRecords(audit: TemplateUnderAudit): AuditedDocument[] {
  const resolver = new IntrinsicResolver(audit);
  const documents: AuditedDocument[] = [];
  const add = (logicalId: string, what: string, eventName: string, parameters: Record<string, unknown>, response: Record<string, unknown> | null = null) => {
    const label = `${audit.stackName} (${audit.region})/${logicalId}: ${what}`;
    documents.push({ label, record: cloudTrailRecord(audit, label, eventName, parameters, response) });
  };
  const text = (document: Json) => JSON.stringify(resolver.resolve(document));
  const roleName = (reference: Json) => String(resolver.resolve(reference));

  for (const [logicalId, resource] of Object.entries(audit.template.Resources ?? {})) {
    const properties = resource.Properties ?? {};
    switch (resource.Type) {
      case "AWS::IAM::Role": {
        const name = resolver.name(logicalId);
        add(logicalId, "trust policy", "UpdateAssumeRolePolicy", { roleName: name, policyDocument: text(properties.AssumeRolePolicyDocument) });
        for (const policy of (properties.Policies ?? []) as { PolicyName: string; PolicyDocument: Json }[]) {
          add(logicalId, `inline policy ${policy.PolicyName}`, "PutRolePolicy", { roleName: name, policyName: policy.PolicyName, policyDocument: text(policy.PolicyDocument) });
        }
        for (const arn of (properties.ManagedPolicyArns ?? []) as Json[]) {
          add(logicalId, `managed policy ${String(resolver.resolve(arn))}`, "AttachRolePolicy", { roleName: name, policyArn: resolver.resolve(arn) });
        }
        break;
      }
      case "AWS::IAM::Policy": {
        const policyName = String(resolver.resolve(properties.PolicyName));
        const document = text(properties.PolicyDocument);
        for (const role of (properties.Roles ?? []) as Json[]) add(logicalId, `policy on ${roleName(role)}`, "PutRolePolicy", { roleName: roleName(role), policyName, policyDocument: document });
        for (const user of (properties.Users ?? []) as Json[]) add(logicalId, `policy on user ${roleName(user)}`, "PutUserPolicy", { userName: roleName(user), policyName, policyDocument: document });
        for (const group of (properties.Groups ?? []) as Json[]) add(logicalId, `policy on group ${roleName(group)}`, "PutGroupPolicy", { groupName: roleName(group), policyName, policyDocument: document });
        break;
      }
      case "AWS::IAM::ManagedPolicy": {
        const name = resolver.name(logicalId);
        const arn = `arn:aws:iam::${audit.account}:policy/${name}`;
        add(logicalId, "managed policy", "CreatePolicy", { policyName: name, policyDocument: text(properties.PolicyDocument) }, { policy: { policyName: name, arn } });
        for (const role of (properties.Roles ?? []) as Json[]) add(logicalId, `attached to ${roleName(role)}`, "AttachRolePolicy", { roleName: roleName(role), policyArn: arn });
        break;
      }
      default: {
        const field = RESOURCE_POLICIES[resource.Type];
        const document =
          resource.Type === "AWS::Lambda::Permission"
            ? lambdaPermissionDocument(properties)
            : resource.Type === "AWS::Events::EventBusPolicy"
              ? eventBusPolicyDocument(properties)
              : field
                ? (properties[field] as Document | undefined)
                : undefined;
        if (!document) break;
        const resolved = resolver.resolve(document) as Document;
        const name = `${resolver.name(logicalId)}-resource-policy`;
        add(logicalId, "resource policy, what it allows", "CreatePolicy", { policyName: name, policyDocument: JSON.stringify(resolved) }, {
          policy: { policyName: name, arn: `arn:aws:iam::${audit.account}:policy/${name}` },
        });
        const trust = asTrust(resolved);
        if (trust) add(logicalId, "resource policy, who it lets in", "UpdateAssumeRolePolicy", { roleName: resolver.name(logicalId), policyDocument: JSON.stringify(trust) });
      }
    }
  }
  return documents;
}

/**
 * Resources that hold a policy document (anything with a `Statement`) the audit does not record:
 * a new kind of resource policy must be taught to auditRecords before it can ship.
 */
export function unauditedPolicies(audit: TemplateUnderAudit): string[] {
  const holdsStatement = (value: Json): boolean =>
    Array.isArray(value) ? value.some(holdsStatement) : typeof value === "object" && value !== null && ("Statement" in value || Object.values(value).some(holdsStatement));
  return Object.entries(audit.template.Resources ?? {})
    .filter(([, resource]) => !IDENTITY_TYPES.has(resource.Type) && !RESOURCE_POLICIES[resource.Type] && !BUILT_POLICIES.has(resource.Type) && holdsStatement(resource.Properties))
    .map(([logicalId, resource]) => `${audit.stackName}/${logicalId} (${resource.Type})`);
}

/**
 * The findings the deployed rules make of the audited documents, each with the document's label;
 * `config` is the rule configuration they run with (none by default).
 */
export async function auditFindings(documents: readonly AuditedDocument[], config?: ConfigInput): Promise<(Finding & { document: string })[]> {
  const byEvent = new Map(documents.map((document) => [document.record.eventID as string, document.label]));
  const findings = await evaluateValue({ Records: documents.map((document) => document.record) }, config ? { config } : {});
  return findings.map((finding) => ({ ...finding, document: byEvent.get(finding.eventId ?? "") ?? "(no event)" }));
}

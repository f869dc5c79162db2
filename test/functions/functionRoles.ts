import { actionMatches, wildcardMatch } from "@vigil/core";
import { App, Stack } from "aws-cdk-lib";
import { Table } from "aws-cdk-lib/aws-dynamodb";
import { Key } from "aws-cdk-lib/aws-kms";
import { Secret } from "aws-cdk-lib/aws-secretsmanager";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import { Topic } from "aws-cdk-lib/aws-sns";
import { apiStatements } from "../../stacks/monitor/apiFunction.ts";
import { evaluateStatements } from "../../stacks/monitor/evaluateFunction.ts";
import { exportStatements } from "../../stacks/monitor/exportFunction.ts";
import { notifySlackStatements } from "../../stacks/monitor/notifySlackFunction.ts";
import { accountReadStatements, postureStatements } from "../../stacks/monitor/postureFunction.ts";
import { retryStatements } from "../../stacks/monitor/retryNotificationsFunction.ts";
import { afterEach, expect } from "vitest";
import { type AwsRequest, type FunctionRole, recordAwsRequests } from "./awsRequests.ts";
import { ACCOUNT, REGION, TOPIC_ARN } from "./lambdaEvents.ts";
import { CURSOR_SECRET_ARN, SLACK_WEBHOOK_PARAMETER } from "./localMonitor.ts";

/**
 * Each function's role as the stack builds it (the same statement builders its module in
 * stacks/monitor/ attaches), over the resources the handler tests deploy: what the handlers'
 * recorded requests are held to. Queue, log and X-Ray statements are left out: the handlers' code sends none of those.
 */
function statementsOf(role: FunctionRole): StatementJson[] {
  const key = JSON.stringify(role);
  let statements = built.get(key);
  if (!statements) built.set(key, (statements = build(role)));
  return statements;
}

interface StatementJson {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

const built = new Map<string, StatementJson[]>();

function build(role: FunctionRole): StatementJson[] {
  // The audit role's statements are scoped to its own account, as the spoke builds them there.
  const stack = new Stack(new App(), "Roles", { env: { account: role.fn === "audit" ? role.account : ACCOUNT, region: REGION } });
  const table = (name: string) => Table.fromTableArn(stack, name, `arn:aws:dynamodb:${REGION}:${ACCOUNT}:table/${name}`);
  const findingsTable = table("FindingsTable");
  const topic = Topic.fromTopicArn(stack, "Topic", TOPIC_ARN);
  const topicKey = Key.fromKeyArn(stack, "TopicKey", `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`);
  const statements = (() => {
    switch (role.fn) {
      case "evaluate":
        return evaluateStatements(stack, { findingsTable, stateTable: table("StateTable"), topic, topicKey, ...(role.organization ? { organization: role.organization } : {}) });
      case "notifySlack":
        return notifySlackStatements(stack, { findingsTable, webhookParameter: SLACK_WEBHOOK_PARAMETER });
      case "retryNotifications":
        return retryStatements({ findingsTable, topic, topicKey });
      case "api":
        return apiStatements(findingsTable, Secret.fromSecretCompleteArn(stack, "CursorSecret", CURSOR_SECRET_ARN) as Secret);
      case "posture":
        return postureStatements(stack, { findingsTable, topic, topicKey }, role.remediation, role.organization && { settings: role.organization, stateTable: table("StateTable") });
      case "audit":
        return accountReadStatements(stack, role.remediation);
      case "exportFindings":
        return exportStatements(
          stack,
          { stage: "test", organization: undefined, securityHub: { enabled: role.securityHubRegion !== undefined, region: role.securityHubRegion ?? REGION }, ocsf: role.ocsf },
          findingsTable,
        );
      case "securityLakeProvider":
        // What Security Lake's permissions boundary lets a custom source's provider role do: write its location.
        return [new PolicyStatement({ actions: ["s3:PutObject"], resources: [`arn:aws:s3:::${role.bucket}/${role.prefix}/*`] })];
    }
  })();
  // An ARN from formatArn holds the partition as a token: resolved in the stack, then made a string.
  return statements.map((statement) => concrete(stack.resolve(statement.toStatementJson())) as StatementJson);
}

/** CloudFormation's Fn::Join and pseudo-parameter Refs, as they resolve in the test account. */
function concrete(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(concrete);
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if ("Fn::Join" in object) {
    const [separator, parts] = object["Fn::Join"] as [string, unknown[]];
    return parts.map(concrete).join(separator);
  }
  if ("Ref" in object) {
    const pseudo: Record<string, string> = { "AWS::Partition": "aws", "AWS::Region": REGION, "AWS::AccountId": ACCOUNT, "AWS::URLSuffix": "amazonaws.com" };
    const resolved = pseudo[object.Ref as string];
    if (!resolved) throw new Error(`functionRoles: cannot resolve ${JSON.stringify(object)}`);
    return resolved;
  }
  return Object.fromEntries(Object.entries(object).map(([name, inner]) => [name, concrete(inner)]));
}

/** Calls AWS authorizes for any caller, which no policy grants. */
const NEEDS_NO_PERMISSION = new Set(["sts:GetCallerIdentity"]);

/**
 * Records what the handlers send from here on and, after each test, fails it if its handlers sent
 * a request their role would not allow: a handler that works against mocks and dynalite but would
 * be refused by IAM once deployed. Call after the file's mockClient() calls.
 */
export function holdHandlersToTheirRoles(): void {
  const requests = recordAwsRequests();
  afterEach(() => {
    expect(requestsDenied(requests.splice(0)), "requests the function's role does not allow").toEqual([]);
  });
}

/** The recorded requests some resource of which the function's role does not allow, each once. */
export function requestsDenied(requests: readonly AwsRequest[]): string[] {
  const denied = new Set<string>();
  for (const request of requests) {
    if (NEEDS_NO_PERMISSION.has(request.action)) continue;
    const statements = statementsOf(request.role);
    for (const resource of request.resources) {
      const allowed = statements.some(
        (statement) =>
          statement.Effect === "Allow" &&
          [statement.Action].flat().some((action) => actionMatches(action, request.action)) &&
          [statement.Resource].flat().some((pattern) => wildcardMatch(pattern, resource)),
      );
      if (!allowed) denied.add(`${request.role.fn}: ${request.action} on ${resource}`);
    }
  }
  return [...denied];
}

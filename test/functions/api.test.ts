import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import {
  GetSecretValueCommand,
  type GetSecretValueCommandOutput,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { clearCache } from "@middy/util";
import type { Finding } from "@vigil/core";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { loadFixture } from "../helpers/fixtures.ts";
import { cloudTrailRecord, eventMessage, lambdaContext, sqsEvent, withEventId } from "./lambdaEvents.ts";
import { type ApiModule, type CapturedLogs, CURSOR_SECRET_ARN, captureLogs, type Deployment, deploy, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

const secrets = mockClient(SecretsManagerClient);
mockClient(SNSClient).on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
mockClient(IAMClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const ALICE = "arn:aws:iam::111122223333:user/alice";
const SECRET_READ = { SecretId: CURSOR_SECRET_ARN };

/** GetSecretValue's answer for the cursor key the stack generates (64 letters and digits), as the API reference shows it. */
function cursorSecret(): Omit<GetSecretValueCommandOutput, "$metadata"> {
  return {
    ARN: CURSOR_SECRET_ARN,
    Name: "vigil-prod-CursorSecret",
    VersionId: "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
    SecretString: "Q3x9Rk2mT7vLp4Wz8Nb1Hc6Jd5Fg0Ys2Ue7Ai3Ko9Mq4Xt6Vw1Zr8Bn5Pl2Ej0Hs",
    VersionStages: ["AWSCURRENT"],
    CreatedDate: new Date("2026-10-02T09:12:44.211Z"),
  };
}

let monitor: LocalMonitor;
let deployment: Deployment;
let logs: CapturedLogs;
/** Ids of the findings evaluate stored for this file, newest first. */
let stored: string[];

beforeAll(async () => {
  monitor = await startLocalMonitor();
  deployment = await deploy(monitor);
  secrets.on(GetSecretValueCommand, SECRET_READ).resolves(cursorSecret());
  const evaluate = await deployment.evaluate();
  captureLogs();
  stored = [];
  for (let i = 0; i < 3; i++) {
    const record = withEventId({ ...USER_CREATED, eventTime: `2026-12-01T09:0${i}:00Z` });
    expect(await evaluate(sqsEvent(eventMessage(record)), lambdaContext("vigil-prod-Evaluate"))).toEqual({ batchItemFailures: [] });
    const [finding] = (await deployment.store.reader.listFindings({ ruleId: "iam-user-created", limit: 1 })).items;
    stored.unshift(finding!.id);
  }
});
afterAll(async () => {
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  clearCache();
  secrets.resetHistory();
});

// Loose type, so that a test can build any route from the fixture; the adapter validates what it reads.
type Event = APIGatewayProxyEventV2 & { requestContext: Record<string, any> };

/** An IAM-authorized HTTP API request by alice, as API Gateway (payload format 2.0) hands it to the function. */
function apiEvent(method: string, path: string, options: { query?: Record<string, string>; body?: unknown } = {}): APIGatewayProxyEventV2 {
  const event = loadFixture<Event>("api/http-api-v2-iam-patch.json");
  const query = options.query ?? {};
  event.routeKey = `${method} ${path.startsWith("/findings/") ? "/findings/{id}" : path}`;
  event.rawPath = path;
  event.rawQueryString = new URLSearchParams(query).toString();
  event.requestContext.http.method = method;
  event.requestContext.http.path = decodeURIComponent(path);
  event.requestContext.requestId = randomUUID();
  event.queryStringParameters = Object.keys(query).length > 0 ? query : undefined;
  event.pathParameters = path.startsWith("/findings/") ? { id: decodeURIComponent(path.slice("/findings/".length)) } : undefined;
  event.body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return event;
}

async function call(handler: ApiModule["handler"], event: APIGatewayProxyEventV2): Promise<{ statusCode: number; body: any }> {
  // The handler's type also names cursorSecret, which the secrets-manager middleware adds to the context.
  const context = lambdaContext("vigil-prod-Api") as Parameters<ApiModule["handler"]>[1];
  const response = (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
  return { statusCode: response.statusCode ?? 0, body: JSON.parse(response.body ?? "null") };
}

const secretReads = () => secrets.commandCalls(GetSecretValueCommand).map((read) => read.args[0].input);

describe("Function: api handler", () => {
  it("reads the cursor key on its first request, not while loading, and pages with it across requests", async () => {
    // Prepare
    const api = await deployment.api();
    expect(secretReads()).toEqual([]);

    // Act
    const first = await call(api, apiEvent("GET", "/findings", { query: { ruleId: "iam-user-created", limit: "2" } }));
    const second = await call(api, apiEvent("GET", "/findings", { query: { ruleId: "iam-user-created", limit: "2", cursor: first.body.cursor } }));

    // Assess
    expect(first.statusCode).toBe(200);
    expect(first.body.items.map((finding: Finding) => finding.id)).toEqual(stored.slice(0, 2));
    expect(second.statusCode).toBe(200);
    expect(second.body.items.map((finding: Finding) => finding.id)).toEqual(stored.slice(2));
    expect(secretReads()).toEqual([SECRET_READ]);
  });

  it("acknowledges a finding as the caller API Gateway authenticated", async () => {
    // Prepare
    const api = await deployment.api();
    const id = stored[0]!;

    // Act
    const response = await call(api, apiEvent("PATCH", `/findings/${encodeURIComponent(id)}`, { body: { action: "acknowledge", reason: "rotating the key" } }));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(response.body.entry).toMatchObject({ actor: ALICE, action: "acknowledge", from: "open", to: "acknowledged", reason: "rotating the key" });
    expect((await deployment.store.reader.getFinding(id))?.status).toBe("acknowledged");
  });

  it("refuses a cursor signed with another key (400), as after the secret is rotated", async () => {
    // Prepare: a page from a container that read the old key.
    const api = await deployment.api();
    const { body } = await call(api, apiEvent("GET", "/findings", { query: { ruleId: "iam-user-created", limit: "1" } }));
    expect(body.cursor).toEqual(expect.any(String));
    clearCache();
    // The mock's once-answers count calls from its last reset.
    secrets.resetHistory();
    secrets.on(GetSecretValueCommand, SECRET_READ).resolvesOnce({ ...cursorSecret(), SecretString: "rotated".repeat(9) }).resolves(cursorSecret());
    const rotated = await deployment.api();

    // Act
    const response = await call(rotated, apiEvent("GET", "/findings", { query: { ruleId: "iam-user-created", limit: "1", cursor: body.cursor } }));

    // Assess
    expect(response.statusCode).toBe(400);
    expect(response.body.issues.map((issue: { parameter: string }) => issue.parameter)).toEqual(["cursor"]);
  });

  it("fails the request when the key cannot be read, logging Secrets Manager's reason, and reads it again on the next", async () => {
    // Prepare: the secret was deleted and is being restored.
    secrets
      .on(GetSecretValueCommand, SECRET_READ)
      .rejectsOnce(
        new ResourceNotFoundException({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } }),
      )
      .resolves(cursorSecret());
    const api = await deployment.api();

    // Act
    const failed = call(api, apiEvent("GET", `/findings/${encodeURIComponent(stored[1]!)}`));

    // Assess: Lambda reports the error and API Gateway answers 500; the log says why.
    await expect(failed).rejects.toThrow();
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({
        level: "ERROR",
        message: "request failed before the router; API Gateway answers 500",
        reasons: [expect.objectContaining({ name: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." })],
      }),
    );

    // Act
    const recovered = await call(api, apiEvent("GET", `/findings/${encodeURIComponent(stored[1]!)}`));

    // Assess
    expect(recovered.statusCode).toBe(200);
    expect(recovered.body.finding.id).toBe(stored[1]);
    expect(secretReads()).toHaveLength(2);
  });
});

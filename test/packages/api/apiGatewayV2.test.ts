import { fromApiGatewayV2, InvalidEventError, toApiGatewayV2 } from "@vigil/api";
import type { Finding } from "@vigil/core";
import type { FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadFixture } from "../../helpers/fixtures.ts";
import { freshStore, newestFirst } from "../store-dynamodb/findingFactory.ts";
import { routerFor, seededFindings } from "./routerHarness.ts";

// Loose types, so that tests can take the events apart; the adapter validates what it reads.
type Event = APIGatewayProxyEventV2 & { requestContext: Record<string, any>; headers: Record<string, string> };
const iamPatch = () => loadFixture<Event>("api/http-api-v2-iam-patch.json");
const jwtList = () => loadFixture<Event>("api/http-api-v2-jwt-list.json");
const context = { awsRequestId: "5f0e9c8d-1a2b-4c3d-9e8f-7a6b5c4d3e2f" };

describe("Function: fromApiGatewayV2", () => {
  it("reads an IAM-authorized PATCH: method, encoded path, lower-case headers, body, request id, and the caller's ARN as actor", () => {
    const request = fromApiGatewayV2(iamPatch(), context);
    expect(request).toEqual({
      method: "PATCH",
      path: "/findings/root-console-login%3A000000000000000000000000",
      query: {},
      headers: expect.objectContaining({ "content-type": "application/json", host: "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com" }),
      body: '{"action":"acknowledge","reason":"investigating"}',
      actor: "arn:aws:iam::111122223333:user/alice",
      requestId: "CqIz5jGsoAMEVDA=",
    });
  });

  it("reads a JWT-authorized GET on a named stage: the stage prefix removed, the query kept, the token's subject as actor", () => {
    const request = fromApiGatewayV2(jwtList(), context);
    expect(request.path).toBe("/findings");
    expect(request.query).toEqual({ status: "open", severity: "HIGH", limit: "5" });
    expect(request.actor).toBe("a6f1c2d3-4b5e-4f60-8172-93a4b5c6d7e8");
    expect(request.body).toBeUndefined();
  });

  it("never takes the actor from the body or from headers", () => {
    const event = iamPatch();
    event.body = JSON.stringify({ action: "acknowledge", actor: "mallory" });
    event.headers["x-vigil-actor"] = "mallory";
    event.headers["x-amzn-oidc-identity"] = "mallory";
    expect(fromApiGatewayV2(event).actor).toBe("arn:aws:iam::111122223333:user/alice");
  });

  it("leaves the actor undefined when API Gateway authorized no one (a route without an authorizer)", () => {
    const event = iamPatch();
    delete event.requestContext.authorizer;
    expect(fromApiGatewayV2(event).actor).toBeUndefined();
    const blank = jwtList();
    blank.requestContext.authorizer.jwt.claims = { iss: "https://issuer.example.com" };
    expect(fromApiGatewayV2(blank).actor).toBeUndefined();
  });

  it("decodes a base64 body", () => {
    const event = iamPatch();
    event.body = Buffer.from('{"action":"resolve"}').toString("base64");
    event.isBase64Encoded = true;
    expect(fromApiGatewayV2(event).body).toBe('{"action":"resolve"}');
  });

  it("keeps a path that merely starts like the stage name, and the $default stage's path as is", () => {
    const event = jwtList();
    event.requestContext.stage = "find";
    expect(fromApiGatewayV2(event).path).toBe("/prod/findings");
    const onDefault = jwtList();
    onDefault.requestContext.stage = "$default";
    onDefault.rawPath = "/findings";
    expect(fromApiGatewayV2(onDefault).path).toBe("/findings");
  });

  it("refuses an event that is not payload format 2.0, naming the field", () => {
    const v1 = { ...iamPatch(), version: "1.0" };
    expect(() => fromApiGatewayV2(v1)).toThrow(InvalidEventError);
    expect(() => fromApiGatewayV2(v1)).toThrow(/version/);
    const noMethod = iamPatch();
    delete (noMethod.requestContext as Partial<Event["requestContext"]>).http;
    expect(() => fromApiGatewayV2(noMethod)).toThrow(/requestContext\.http/);
  });
});

describe("Function: toApiGatewayV2", () => {
  it("gives API Gateway a structured result with the status, headers and JSON body", () => {
    expect(toApiGatewayV2({ statusCode: 404, headers: { "content-type": "application/json" }, body: '{"message":"x"}' })).toEqual({
      statusCode: 404,
      headers: { "content-type": "application/json" },
      body: '{"message":"x"}',
      isBase64Encoded: false,
    });
  });
});

describe("API Gateway events through the router", () => {
  let dynalite: RunningDynalite;
  let store: FindingStore;
  let findings: Finding[];
  beforeAll(async () => {
    dynalite = await startDynalite();
  });
  beforeEach(async () => {
    store = await freshStore(dynalite);
    findings = seededFindings();
    await store.writer.putFindings(findings);
  });
  afterAll(async () => {
    await dynalite?.close();
  });

  it("acknowledges the finding as the IAM caller", async () => {
    const result = toApiGatewayV2(await routerFor(store).handle(fromApiGatewayV2(iamPatch(), context)));
    expect(result.statusCode).toBe(200);
    const { finding, entry } = JSON.parse(result.body as string);
    expect(finding.id).toBe("root-console-login:000000000000000000000000");
    expect(entry).toMatchObject({ action: "acknowledge", actor: "arn:aws:iam::111122223333:user/alice", reason: "investigating" });
  });

  it("lists with the event's query on a named stage", async () => {
    const result = toApiGatewayV2(await routerFor(store).handle(fromApiGatewayV2(jwtList(), context)));
    expect(result.statusCode).toBe(200);
    const expected = newestFirst(findings.filter((f) => f.status === "open" && ["CRITICAL", "HIGH"].includes(f.severity))).slice(0, 5);
    expect(JSON.parse(result.body as string).items.map((f: Finding) => f.id)).toEqual(expected.map((f) => f.id));
  });

  it("answers 401 to an event with no authorizer, and a 500 carries API Gateway's request id", async () => {
    const anonymous = iamPatch();
    delete anonymous.requestContext.authorizer;
    expect(toApiGatewayV2(await routerFor(store).handle(fromApiGatewayV2(anonymous))).statusCode).toBe(401);

    const broken = await startDynalite();
    const brokenStore = await freshStore(broken);
    await broken.close();
    const result = toApiGatewayV2(await routerFor(brokenStore, { error: () => {} }).handle(fromApiGatewayV2(jwtList(), context)));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body as string)).toEqual({ message: "Internal error", requestId: "CqJ0AjKLoAMEbBw=" });
  });
});

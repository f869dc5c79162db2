import { readFileSync } from "node:fs";
import { catalogue } from "@vigil/core";
import { INDEX_NAMES } from "@vigil/store-dynamodb";
import { beforeAll, describe, expect, it } from "vitest";
import { HOME_REGION } from "../../stacks/home.ts";
import { API_ROUTES } from "../../stacks/monitor/findingsApis.ts";
import { parseStageConfig } from "../../stacks/stageConfig.ts";
import type { SynthesizedStack } from "../../stacks/synthesize.ts";
import { type SynthesizedTemplates, synthesizeForTest } from "../helpers/synth.ts";
import { functionWithHandler, only, type Resource, resources, roleOf, roleStatements, sortedStatements } from "./templateQueries.ts";

const HANDLER = "functions/api.handler";
const TEST_CONFIG = JSON.parse(readFileSync(new URL("../../config/test.json", import.meta.url), "utf8")) as Record<string, unknown>;
const JWT = { issuer: "https://login.example.com/oauth2/default", audience: ["vigil"] };

let iamOnly: { templates: SynthesizedTemplates; home: SynthesizedStack };
let withJwt: { templates: SynthesizedTemplates; home: SynthesizedStack };

async function synthesize(changes: Record<string, unknown>) {
  const config = parseStageConfig({ ...TEST_CONFIG, forwarderRegions: [], ...changes }, "test", catalogue, "config/test.json");
  const templates = await synthesizeForTest("test", { config });
  return { templates, home: templates.stacks.find((stack) => stack.region === HOME_REGION) as SynthesizedStack };
}

beforeAll(async () => {
  iamOnly = await synthesize({});
  withJwt = await synthesize({ api: { jwt: JWT } });
});

const routesOf = (synthesized: typeof iamOnly) => Object.values(resources(synthesized.templates.home, "AWS::ApiGatewayV2::Route")).map((route) => route.Properties ?? {});

describe("Monitor: findings API", () => {
  it("serves exactly the router's routes, each requiring IAM (SigV4) authorization, with no catch-all route", () => {
    const routes = routesOf(iamOnly);
    expect(routes.map((route) => route.RouteKey).sort()).toEqual(API_ROUTES.map((route) => `${route.method} ${route.path}`).sort());
    for (const route of routes) expect(route.AuthorizationType).toBe("AWS_IAM");
    iamOnly.templates.home.resourceCountIs("AWS::ApiGatewayV2::Api", 1);
    iamOnly.templates.home.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
  });

  it("with a JWT issuer configured, keeps IAM on every route of the IAM API and adds a second API whose every route takes the issuer's tokens", () => {
    withJwt.templates.home.resourceCountIs("AWS::ApiGatewayV2::Api", 2);
    const authorizers = Object.entries(resources(withJwt.templates.home, "AWS::ApiGatewayV2::Authorizer"));
    expect(authorizers).toHaveLength(1);
    const [authorizerId, authorizer] = authorizers[0] as [string, Resource];
    expect(authorizer.Properties).toMatchObject({ AuthorizerType: "JWT", JwtConfiguration: { Issuer: JWT.issuer, Audience: JWT.audience } });
    const routes = routesOf(withJwt);
    expect(routes).toHaveLength(2 * API_ROUTES.length);
    const byType = (type: string) => routes.filter((route) => route.AuthorizationType === type);
    expect(byType("AWS_IAM")).toHaveLength(API_ROUTES.length);
    expect(byType("JWT")).toHaveLength(API_ROUTES.length);
    for (const route of byType("JWT")) expect(route.AuthorizerId).toEqual({ Ref: authorizerId });
  });

  it("lets a JWT read findings only with a read or triage scope, and change one only with a triage scope; IAM routes take no scopes", async () => {
    const scoped = await synthesize({ api: { jwt: { ...JWT, scopes: { read: ["vigil.findings.read"], triage: ["vigil.findings.triage", "secops"] } } } });
    for (const [synthesized, read, triage] of [
      [withJwt, ["vigil/read", "vigil/triage"], ["vigil/triage"]],
      [scoped, ["vigil.findings.read", "vigil.findings.triage", "secops"], ["vigil.findings.triage", "secops"]],
    ] as const) {
      const jwtRoutes = routesOf(synthesized).filter((route) => route.AuthorizationType === "JWT");
      expect(jwtRoutes).toHaveLength(API_ROUTES.length);
      for (const route of jwtRoutes) {
        expect(route.AuthorizationScopes, String(route.RouteKey)).toEqual(String(route.RouteKey).startsWith("PATCH ") ? triage : read);
      }
      for (const route of routesOf(synthesized).filter((route) => route.AuthorizationType === "AWS_IAM")) expect(route.AuthorizationScopes).toBeUndefined();
    }
  });

  it("refuses a JWT scope that is not an OAuth scope, naming the key", () => {
    const parse = () => parseStageConfig({ ...TEST_CONFIG, api: { jwt: { ...JWT, scopes: { read: ["read findings"] } } } }, "test", catalogue, "config/test.json");
    expect(parse).toThrow(/config\/test\.json: api\.jwt\.scopes\.read\.0: must be an OAuth scope/);
  });

  it("gives the API function a role that reads and triages findings and reads the cursor key, and nothing else", () => {
    const home = iamOnly.templates.home;
    const fnId = functionWithHandler(iamOnly.home, HANDLER);
    const [tableId] = only(home, "AWS::DynamoDB::Table", "FindingsTable");
    const [secretId] = only(home, "AWS::SecretsManager::Secret", "CursorSecret");
    const statements = roleStatements(home, roleOf(home, fnId)).filter((statement) => !String(statement.Action).startsWith("logs:") && !String(statement.Action).startsWith("xray:"));
    const tableArn = { "Fn::GetAtt": [tableId, "Arn"] };
    expect(sortedStatements(statements)).toEqual(
      sortedStatements([
        {
          Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
          Effect: "Allow",
          Resource: tableArn,
          Sid: "ReadAndTriageFindings",
        },
        {
          Action: "dynamodb:Query",
          Effect: "Allow",
          Resource: Object.values(INDEX_NAMES).map((index) => ({ "Fn::Join": ["", [tableArn, `/index/${index}`]] })),
          Sid: "ListFindings",
        },
        { Action: "secretsmanager:GetSecretValue", Effect: "Allow", Resource: { Ref: secretId }, Sid: "ReadCursorKey" },
      ]),
    );
  });

  it("signs cursors with a generated secret the function reads by ARN, never a value in the template", () => {
    const home = iamOnly.templates.home;
    const [secretId, secret] = only(home, "AWS::SecretsManager::Secret", "CursorSecret");
    expect(secret.Properties).toMatchObject({ GenerateSecretString: { PasswordLength: 64, ExcludePunctuation: true } });
    expect(secret.Properties).not.toHaveProperty("SecretString");
    const fn = resources(home, "AWS::Lambda::Function")[functionWithHandler(iamOnly.home, HANDLER)] as Resource;
    expect((fn.Properties?.Environment as { Variables: Record<string, unknown> }).Variables.CURSOR_SECRET_ARN).toEqual({ Ref: secretId });
  });
});

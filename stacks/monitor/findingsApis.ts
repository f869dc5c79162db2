import { HttpApi, HttpMethod, type IHttpRouteAuthorizer } from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { Construct } from "constructs";
import type { Function } from "sst/constructs";

/** The routes the router serves; nothing else reaches the function (no catch-all route). */
export const API_ROUTES: readonly { path: string; method: HttpMethod }[] = [
  { path: "/findings", method: HttpMethod.GET },
  { path: "/findings/{id}", method: HttpMethod.GET },
  { path: "/findings/{id}", method: HttpMethod.PATCH },
  { path: "/rules", method: HttpMethod.GET },
  { path: "/summary", method: HttpMethod.GET },
  { path: "/openapi.json", method: HttpMethod.GET },
];

export interface JwtSettings {
  issuer: string;
  audience: string[];
}

/**
 * The findings API: an HTTP API whose every route requires IAM (SigV4) authorization; with a JWT
 * issuer configured, a second API serves the same routes to that issuer's tokens (people signing in
 * through an identity provider), so the IAM one never loses its authorization.
 */
export function createFindingsApis(scope: Construct, fn: Function, jwt: JwtSettings | undefined): HttpApi[] {
  const apis = [routedApi(scope, "FindingsApi", fn, new HttpIamAuthorizer())];
  if (jwt) {
    const authorizer = new HttpJwtAuthorizer("FindingsApiJwt", jwt.issuer, { jwtAudience: jwt.audience });
    apis.push(routedApi(scope, "FindingsSsoApi", fn, authorizer));
  }
  return apis;
}

function routedApi(scope: Construct, id: string, fn: Function, authorizer: IHttpRouteAuthorizer): HttpApi {
  const api = new HttpApi(scope, id, { description: "Vigil findings API", createDefaultStage: true });
  // An integration belongs to one API: each API gets its own to the same function.
  const integration = new HttpLambdaIntegration(`${id}Integration`, fn);
  for (const route of API_ROUTES) api.addRoutes({ path: route.path, methods: [route.method], integration, authorizer });
  return api;
}

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
  /** Any of `read` lets a token read; only `triage` lets it change a finding (and read). */
  scopes: { read: string[]; triage: string[] };
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
    // Any of the listed scopes admits a token (API Gateway's rule): a triager may also read, a reader may not triage.
    const scopesOf = (method: HttpMethod) => (method === HttpMethod.GET ? [...new Set([...jwt.scopes.read, ...jwt.scopes.triage])] : jwt.scopes.triage);
    apis.push(routedApi(scope, "FindingsSsoApi", fn, authorizer, scopesOf));
  }
  return apis;
}

function routedApi(scope: Construct, id: string, fn: Function, authorizer: IHttpRouteAuthorizer, scopesOf?: (method: HttpMethod) => string[]): HttpApi {
  const api = new HttpApi(scope, id, { description: "Vigil findings API", createDefaultStage: true });
  // An integration belongs to one API: each API gets its own to the same function.
  const integration = new HttpLambdaIntegration(`${id}Integration`, fn);
  for (const route of API_ROUTES) {
    api.addRoutes({ path: route.path, methods: [route.method], integration, authorizer, ...(scopesOf ? { authorizationScopes: scopesOf(route.method) } : {}) });
  }
  return api;
}

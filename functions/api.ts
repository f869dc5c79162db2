import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import secretsManager from "@middy/secrets-manager";
import { createRouter, fromApiGatewayV2, type Router, toApiGatewayV2 } from "@vigil/api";
import { catalogue, postureChecks, resolveConfig } from "@vigil/core";
import { FindingReader, FindingsTable, FindingTriage } from "@vigil/store-dynamodb";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { apiEnvironment } from "./api/environment.ts";
import { documentClient } from "./shared/clients.ts";
import { readEnv } from "./shared/env.ts";
import { logger } from "./shared/observability.ts";
import { vigilHandler } from "./shared/vigilHandler.ts";

const env = readEnv(apiEnvironment);
const client = documentClient();
const rules = { catalogue, checks: postureChecks, config: resolveConfig(env.VIGIL_CONFIG, catalogue) };
const apiLogger = { error: (message: string, details: Record<string, unknown>) => logger.error(message, details) };

/** The cursor key is a secret read (and cached) by the middleware; the router is built once it is known. */
type ApiContext = Context & { cursorSecret: string };
let router: Router | undefined;
let routerSecret: string | undefined;

function routerFor(secret: string): Router {
  if (!router || routerSecret !== secret) {
    const table = new FindingsTable({ client, tableName: env.FINDINGS_TABLE_NAME, resolvedRetentionDays: env.RETENTION_DAYS, exportChanges: env.EXPORT_CHANGES });
    router = createRouter({ store: { reader: new FindingReader(table, { cursorSecret: secret }), triage: new FindingTriage(table) }, rules, logger: apiLogger });
    routerSecret = secret;
  }
  return router;
}

const route = async (event: APIGatewayProxyEventV2, context: ApiContext) => {
  const request = fromApiGatewayV2(event, context);
  logger.appendKeys({ requestId: request.requestId, caller: request.actor });
  return toApiGatewayV2(await routerFor(context.cursorSecret).handle(request));
};

export const handler = vigilHandler(route, { invocationErrorMessage: "request failed before the router; API Gateway answers 500" }).use(
  secretsManager({
    AwsClient: SecretsManagerClient,
    fetchData: { cursorSecret: env.CURSOR_SECRET_ARN },
    setToContext: true,
    cacheExpiry: 60 * 60 * 1000,
    // Read in the first request rather than while the module loads, for the reason notifySlack's
    // parameter is: a failed prefetch would be an unhandled rejection that kills the container.
    disablePrefetch: true,
  }),
);

import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import * as z from "zod";
import type { ApiRequest, ApiResponse } from "./ApiRequest.ts";
import { InvalidEventError } from "./errors.ts";

/** The fields of an HTTP API payload format 2.0 event the API reads. */
const eventSchema = z.object({
  version: z.literal("2.0"),
  rawPath: z.string().startsWith("/"),
  headers: z.record(z.string(), z.string().optional()).optional(),
  queryStringParameters: z.record(z.string(), z.string().optional()).optional(),
  body: z.string().optional(),
  isBase64Encoded: z.boolean().nullish(),
  requestContext: z.object({
    http: z.object({ method: z.string().min(1) }),
    requestId: z.string().optional(),
    stage: z.string(),
    authorizer: z
      .object({
        iam: z.object({ userArn: z.string().optional() }).optional(),
        jwt: z.object({ claims: z.record(z.string(), z.unknown()) }).optional(),
      })
      .optional(),
  }),
});

/**
 * An API Gateway HTTP API (payload format 2.0) event as an ApiRequest. The actor is the IAM
 * caller's ARN (IAM authorization) or the token's subject (JWT authorization): what API Gateway
 * authenticated, never something from the body or a header. A named stage's prefix is removed
 * from the path (the $default stage has none).
 */
export function fromApiGatewayV2(event: APIGatewayProxyEventV2, context?: Pick<Context, "awsRequestId">): ApiRequest {
  const parsed = eventSchema.safeParse(event);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidEventError(`not an HTTP API payload 2.0 event: ${issue?.path.join(".") || "event"}: ${issue?.message}`, { cause: parsed.error });
  }
  const { rawPath, requestContext, isBase64Encoded, body } = parsed.data;
  const stagePrefix = `/${requestContext.stage}`;
  const path =
    requestContext.stage !== "$default" && (rawPath === stagePrefix || rawPath.startsWith(`${stagePrefix}/`)) ? rawPath.slice(stagePrefix.length) || "/" : rawPath;
  return {
    method: requestContext.http.method.toUpperCase(),
    path,
    query: defined(parsed.data.queryStringParameters),
    headers: Object.fromEntries(Object.entries(defined(parsed.data.headers)).map(([name, value]) => [name.toLowerCase(), value])),
    ...(body === undefined ? {} : { body: isBase64Encoded ? Buffer.from(body, "base64").toString("utf8") : body }),
    actor: callerOf(requestContext.authorizer),
    // API Gateway's id is the one its access log and the apigw-requestid response header carry.
    requestId: requestContext.requestId || context?.awsRequestId || "unknown",
  };
}

/** The router's response as the structured result API Gateway expects. */
export function toApiGatewayV2(response: ApiResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: response.statusCode, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
}

function callerOf(authorizer: z.output<typeof eventSchema>["requestContext"]["authorizer"]): string | undefined {
  const arn = authorizer?.iam?.userArn;
  if (arn) return arn;
  const subject = authorizer?.jwt?.claims.sub;
  return typeof subject === "string" && subject !== "" ? subject : undefined;
}

function defined(values: Record<string, string | undefined> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(values ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

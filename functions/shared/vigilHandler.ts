import { injectLambdaContext } from "@aws-lambda-powertools/logger/middleware";
import { logMetrics } from "@aws-lambda-powertools/metrics/middleware";
import { captureLambdaHandler } from "@aws-lambda-powertools/tracer/middleware";
import middy, { type MiddyfiedHandler } from "@middy/core";
import type { Context } from "aws-lambda";
import { logInvocationError } from "./logInvocationError.ts";
import { logger, metrics, tracer } from "./observability.ts";

export interface VigilHandlerOptions {
  /** Adds Powertools' ColdStart metric to the invocations that start a container. */
  coldStartMetric?: boolean;
  /** Logs an error that fails the whole invocation under this message, with why (see logInvocationError). */
  invocationErrorMessage?: string;
}

/**
 * A handler in the chain every Vigil function runs: traced, its log entries carrying the Lambda
 * context (keys a handler appends are dropped before the next invocation), its metrics flushed as
 * it ends. A middleware that reads a parameter or secret is `use`d on the result, after the chain,
 * so its failure is logged with the invocation's keys.
 */
export function vigilHandler<TEvent, TResult, TContext extends Context>(
  handler: (event: TEvent, context: TContext) => Promise<TResult>,
  options: VigilHandlerOptions = {},
): MiddyfiedHandler<TEvent, TResult, Error, TContext> {
  const chain = middy(handler)
    .use(captureLambdaHandler(tracer))
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: options.coldStartMetric ?? false }));
  return options.invocationErrorMessage === undefined ? chain : chain.use(logInvocationError(logger, options.invocationErrorMessage));
}

import type { Logger } from "@aws-lambda-powertools/logger";
import type { MiddlewareObj } from "@middy/core";

/**
 * Logs an error that fails the whole invocation, with the correlation keys still set. Middy reports
 * a parameter it could not read as "Failed to resolve internal values" and keeps the SDK's errors
 * (AccessDenied, throttling, a missing parameter) in its cause, which the runtime's own report of
 * the failed invocation leaves out: they are logged here beside it, so an operator sees why.
 */
export function logInvocationError(logger: Logger, message: string): MiddlewareObj {
  return {
    onError: async (request) => {
      const error = request.error;
      const cause: unknown = error?.cause;
      const reasons = cause !== null && typeof cause === "object" && "data" in cause && Array.isArray(cause.data) ? cause.data : [];
      logger.error(message, { error, ...(reasons.length > 0 ? { reasons } : {}) });
    },
  };
}

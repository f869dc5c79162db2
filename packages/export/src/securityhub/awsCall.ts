import { ExportCallError } from "../errors.ts";

/** What the calls of one import share: the per-operation count, the clock to back off with, and the attempts a throttled call gets. */
export interface CallContext {
  calls: Record<string, number>;
  sleep: (ms: number) => Promise<void>;
  maxAttempts: number;
  /** Waits for the account's next call slot (Security Hub allows each account 10 calls per second). */
  pace?: () => Promise<void>;
}

/** The wait before the second attempt; it doubles before each later one. */
export const BACKOFF_BASE_MS = 1_000;

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// Security Hub answers LimitExceededException, the HTTP layer and STS ThrottlingException or Throttling,
// API Gateway-fronted services TooManyRequestsException.
const THROTTLES = new Set(["LimitExceededException", "ThrottlingException", "Throttling", "TooManyRequestsException"]);

function isThrottle(error: unknown): boolean {
  if (error instanceof Error && THROTTLES.has(error.name)) return true;
  return (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable?.throttling === true;
}

/**
 * Makes one API call, counted under `operation` at each attempt, and retries it with exponential
 * backoff while AWS throttles. The SDK retries too, but beneath this (and beneath aws-sdk-client-mock
 * in tests), so a throttle that outlasts the SDK's attempts still gets these slower ones.
 *
 * @throws ExportCallError naming the operation, with the AWS error as its cause.
 */
export async function awsCall<T>(context: CallContext, operation: string, send: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    await context.pace?.();
    context.calls[operation] = (context.calls[operation] ?? 0) + 1;
    try {
      return await send();
    } catch (error) {
      const throttled = isThrottle(error);
      if (throttled && attempt < context.maxAttempts) {
        await context.sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
        continue;
      }
      const code = error instanceof Error && error.name !== "Error" ? error.name : undefined;
      const detail = `${error instanceof Error ? error.message : String(error)}${throttled ? ` (still throttled after ${attempt} attempts)` : ""}`;
      throw new ExportCallError(operation, detail, { ...(code ? { code } : {}), cause: error });
    }
  }
}

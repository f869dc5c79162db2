import { VigilError } from "@vigil/core";

/** A call the adapter gave up on: refused, or still throttled after its retries. */
export class AwsCallError extends VigilError {
  /** `service:Operation`, as in `iam:ListPolicies`. */
  readonly operation: string;
  /** The AWS error name (AccessDenied, Throttling, ...), when AWS answered one. */
  readonly code: string | undefined;
  /** The attempts the call got when it was given up still throttled; undefined for any other failure. */
  readonly throttledAttempts: number | undefined;
  constructor(operation: string, detail: string, options?: { code?: string; cause?: unknown; throttledAttempts?: number }) {
    super(`${operation}: ${options?.code ? `${options.code}: ` : ""}${detail}`, options);
    this.operation = operation;
    this.code = options?.code;
    this.throttledAttempts = options?.throttledAttempts;
  }
}

/** What every call of one run shares: the per-operation count and the clock to back off with. */
export interface CallContext {
  calls: Record<string, number>;
  sleep: (ms: number) => Promise<void>;
  /** Attempts a throttled call gets, the first included; THROTTLE_RETRIES + 1 when absent. */
  maxAttempts?: number;
  /** Waits for the caller's next call slot before each attempt (a service's per-account rate). */
  pace?: () => Promise<void>;
  /**
   * Error names that mean throttling for this service besides the common ones: Security Hub's
   * LimitExceededException is its rate limit, where IAM's is a quota and must not be retried.
   */
  throttles?: ReadonlySet<string>;
}

/** Retries after a throttle: waits of 1, 2, 4, 8 and 16 s, then the call fails. */
export const THROTTLE_RETRIES = 5;
const THROTTLE_BASE_MS = 1_000;

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The AWS error name of a failure (the SDK sets `name` to the exception or the query error code). */
export function errorCode(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function isThrottle(error: unknown, extra: ReadonlySet<string> | undefined): boolean {
  const code = errorCode(error);
  // IAM's query protocol answers `Throttling`; CloudTrail and the JSON protocols `ThrottlingException`;
  // Organizations `TooManyRequestsException`.
  if (code === "Throttling" || code === "ThrottlingException" || code === "TooManyRequestsException") return true;
  if (code !== undefined && extra?.has(code)) return true;
  return (error as { $retryable?: { throttling?: boolean } } | undefined)?.$retryable?.throttling === true;
}

/**
 * Makes one API call, counted under `operation` at each attempt, and retries it with backoff (1 s,
 * doubling) while AWS throttles, after `pace` when given. The SDK retries too, but beneath this (and
 * beneath aws-sdk-client-mock in tests), so a throttle that outlasts the SDK's attempts still gets
 * these slower ones before the part is given up.
 *
 * @throws AwsCallError naming the operation, with the AWS error as its cause.
 */
export async function awsCall<T>(context: CallContext, operation: string, send: () => Promise<T>): Promise<T> {
  const maxAttempts = context.maxAttempts ?? THROTTLE_RETRIES + 1;
  for (let attempt = 1; ; attempt++) {
    await context.pace?.();
    context.calls[operation] = (context.calls[operation] ?? 0) + 1;
    try {
      return await send();
    } catch (error) {
      const throttled = isThrottle(error, context.throttles);
      if (throttled && attempt < maxAttempts) {
        await context.sleep(THROTTLE_BASE_MS * 2 ** (attempt - 1));
        continue;
      }
      const code = errorCode(error);
      const detail = error instanceof Error ? error.message : String(error);
      throw new AwsCallError(operation, detail, { ...(code ? { code } : {}), cause: error, ...(throttled ? { throttledAttempts: attempt } : {}) });
    }
  }
}

/**
 * Follows IAM's `IsTruncated`/`Marker` pagination, one call per page, and returns every page's items.
 *
 * @throws AwsCallError when a page fails, or says it is truncated without a Marker to go on from.
 */
export async function allPages<P extends { IsTruncated?: boolean | undefined; Marker?: string | undefined }, I>(
  context: CallContext,
  operation: string,
  fetch: (marker: string | undefined) => Promise<P>,
  items: (page: P) => I[] | undefined,
): Promise<I[]> {
  const all: I[] = [];
  let marker: string | undefined;
  do {
    const page = await awsCall(context, operation, () => fetch(marker));
    all.push(...(items(page) ?? []));
    if (page.IsTruncated && !page.Marker) throw new AwsCallError(operation, "the page is truncated but has no Marker");
    marker = page.IsTruncated ? page.Marker : undefined;
  } while (marker);
  return all;
}

/**
 * Maps with at most `limit` calls in flight, keeping the input's order. After a failure no new item
 * starts, and the first error is thrown once those in flight have settled (so no call outlives the part).
 */
export async function mapLimit<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failures: unknown[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length && failures.length === 0) {
      const index = next++;
      try {
        results[index] = await map(items[index] as T);
      } catch (error) {
        failures.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failures.length > 0) throw failures[0];
  return results;
}

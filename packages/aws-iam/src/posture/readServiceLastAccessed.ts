import {
  GenerateServiceLastAccessedDetailsCommand,
  type GetServiceLastAccessedDetailsResponse,
  GetServiceLastAccessedDetailsCommand,
  type IAMClient,
} from "@aws-sdk/client-iam";
import { InvalidInputError, type PrincipalServiceAccess, principalServiceAccessSchema, type ServiceLastAccessed } from "@vigil/core";
import { AwsCallError, awsCall, type CallContext, mapLimit } from "./awsCall.ts";
import { pathText, plain } from "./readAuthorizationDetails.ts";

export const GENERATE_OPERATION = "iam:GenerateServiceLastAccessedDetails";
export const GET_OPERATION = "iam:GetServiceLastAccessedDetails";

/** Jobs generated and polled at once: IAM's request rate per account is shared with everything else in it. */
const JOB_CONCURRENCY = 3;
/** Waits between polls of one job: 1, 2, 4 s, then every 5 s. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 5_000;

export const DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN = 50;
export const DEFAULT_ACCESS_ADVISOR_WAIT_MS = 60_000;

export interface ReadServiceLastAccessedOptions {
  /** Jobs one run generates at most (default 50); 0 turns Access Advisor off (no call is made). */
  maxJobsPerRun?: number;
  /**
   * Which slice of the candidates this run takes, as an integer that grows by one per run period,
   * e.g. the run's day: `Math.floor(nowMs / 86_400_000)` (default 0).
   */
  rotation?: number;
  /** How long the whole run may wait for its jobs, polls and paging included (default 60 s). */
  maxWaitMs?: number;
}

/** A principal this run did not read, and why. */
export interface ServiceLastAccessedNotRead {
  arn: string;
  reason: string;
  /** `service:Operation` of the call that failed or was waited on. */
  operation: string;
  /** The AWS error name, when AWS answered one. */
  code?: string;
}

export interface ServiceLastAccessedRead {
  accesses: PrincipalServiceAccess[];
  notRead: ServiceLastAccessedNotRead[];
  /** Principals that could be read. */
  candidates: number;
  /** Principals this run took (at most maxJobsPerRun). */
  selected: number;
}

/**
 * The slice of `candidates` one run reads: sorted by ARN, `cap` of them starting at
 * `(rotation * cap) % candidates.length`, wrapping around. With rotation growing by one per run,
 * consecutive runs walk through everyone: while the candidates stay the same N, every principal is
 * read at least once every ceil(N / cap) runs.
 */
export function rotationSlice(candidates: readonly string[], cap: number, rotation: number): string[] {
  const sorted = [...new Set(candidates)].sort();
  if (cap <= 0 || sorted.length === 0) return [];
  if (cap >= sorted.length) return sorted;
  const start = (((rotation * cap) % sorted.length) + sorted.length) % sorted.length;
  return Array.from({ length: cap }, (_, index) => sorted[(start + index) % sorted.length] as string);
}

/**
 * Access Advisor (service and action last accessed) for at most `maxJobsPerRun` of the principals,
 * rotating through the rest on later runs (see rotationSlice). Per principal: one
 * GenerateServiceLastAccessedDetails (ACTION_LEVEL), then GetServiceLastAccessedDetails polled
 * (1, 2, 4, then every 5 s) until the job is COMPLETED, and every page of its services read; three
 * principals at a time. All of it is bounded by `maxWaitMs` for the run, measured with `now` and
 * with the waits asked for (so an injected sleep that passes no time still ends); a job still in
 * progress then, or not started, is left for a later run.
 *
 * A principal that cannot be read (its job FAILED, a call refused or still throttled, an answer
 * malformed) is listed in `notRead` and the others are still read. The first principal's Generate
 * runs before any other starts: AccessDenied there means the caller may not use Access Advisor at
 * all, and fails the whole read instead of listing every principal as refused.
 *
 * @throws AwsCallError when the first Generate is refused with AccessDenied.
 * @throws InvalidInputError when an option is malformed.
 */
export async function readServiceLastAccessed(
  iam: IAMClient,
  context: CallContext & { now: () => number },
  principals: readonly string[],
  options: ReadServiceLastAccessedOptions = {},
): Promise<ServiceLastAccessedRead> {
  const cap = options.maxJobsPerRun ?? DEFAULT_ACCESS_ADVISOR_JOBS_PER_RUN;
  const rotation = options.rotation ?? 0;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_ACCESS_ADVISOR_WAIT_MS;
  if (!Number.isSafeInteger(cap) || cap < 0) throw new InvalidInputError(`must be a non-negative integer, got ${cap}`, "maxJobsPerRun");
  if (!Number.isSafeInteger(rotation)) throw new InvalidInputError(`must be an integer, got ${rotation}`, "rotation");
  if (!Number.isFinite(maxWaitMs) || maxWaitMs < 0) throw new InvalidInputError(`must be a non-negative number of milliseconds, got ${maxWaitMs}`, "maxWaitMs");

  const candidates = new Set(principals).size;
  const selected = rotationSlice(principals, cap, rotation);
  const started = context.now();
  const elapsed = (waited: number) => Math.max(context.now() - started, waited);

  const readOne = async (arn: string, job?: string): Promise<PrincipalServiceAccess | ServiceLastAccessedNotRead> => {
    try {
      if (job === undefined) {
        if (elapsed(0) >= maxWaitMs) return { arn, operation: GENERATE_OPERATION, reason: `not started within the run's ${maxWaitMs} ms for Access Advisor; it will be read on a later run` };
        job = await generate(iam, context, arn);
      }
      return await readJob(iam, context, arn, job, (waited) => {
        const spent = elapsed(waited);
        return spent >= maxWaitMs ? undefined : maxWaitMs - spent;
      });
    } catch (error) {
      if (error instanceof AwsCallError) return notReadOf(arn, error);
      throw error;
    }
  };

  // The first principal's Generate alone first: a refusal there is the caller's missing permission.
  const [first] = selected;
  let firstRead: { job: string } | { failure: ServiceLastAccessedNotRead } | undefined;
  if (first !== undefined) {
    try {
      firstRead = { job: await generate(iam, context, first) };
    } catch (error) {
      if (!(error instanceof AwsCallError) || isAccessDenied(error)) throw error;
      firstRead = { failure: notReadOf(first, error) };
    }
  }
  // Every principal's read catches its own AWS failures, so none stops the others.
  const results = await mapLimit(selected, JOB_CONCURRENCY, async (arn) => {
    if (arn !== first || firstRead === undefined) return readOne(arn);
    return "failure" in firstRead ? firstRead.failure : readOne(arn, firstRead.job);
  });

  const accesses: PrincipalServiceAccess[] = [];
  const notRead: ServiceLastAccessedNotRead[] = [];
  for (const result of results) {
    if ("reason" in result) notRead.push(result);
    else accesses.push(result);
  }
  return { accesses, notRead, candidates, selected: selected.length };
}

function notReadOf(arn: string, error: AwsCallError): ServiceLastAccessedNotRead {
  return { arn, operation: error.operation, reason: error.message, ...(error.code ? { code: error.code } : {}) };
}

function isAccessDenied(error: AwsCallError): boolean {
  return error.code === "AccessDenied" || error.code === "AccessDeniedException";
}

async function generate(iam: IAMClient, context: CallContext, arn: string): Promise<string> {
  const output = await awsCall(context, GENERATE_OPERATION, () => iam.send(new GenerateServiceLastAccessedDetailsCommand({ Arn: arn, Granularity: "ACTION_LEVEL" })));
  if (!output?.JobId) throw new AwsCallError(GENERATE_OPERATION, `${arn}: the answer has no JobId`);
  return output.JobId;
}

/**
 * Polls one job until it is done and reads every page of it. `remaining` says how long the run may
 * still wait given what this job has waited, or undefined when the run's time is spent.
 */
async function readJob(
  iam: IAMClient,
  context: CallContext,
  arn: string,
  job: string,
  remaining: (waited: number) => number | undefined,
): Promise<PrincipalServiceAccess | ServiceLastAccessedNotRead> {
  const get = (marker: string | undefined) =>
    awsCall(context, GET_OPERATION, () => iam.send(new GetServiceLastAccessedDetailsCommand({ JobId: job, MaxItems: 1000, ...(marker ? { Marker: marker } : {}) })));
  let waited = 0;
  let delay = FIRST_POLL_MS;
  for (;;) {
    // IAM builds the report in seconds at best: wait before the first poll rather than poll at once.
    const left = remaining(waited);
    if (left === undefined) {
      return { arn, operation: GET_OPERATION, reason: `${GET_OPERATION}: job ${job} still IN_PROGRESS when the run's time for Access Advisor was spent; it will be read on a later run` };
    }
    const ms = Math.min(delay, left);
    await context.sleep(ms);
    waited += ms;
    delay = Math.min(delay * 2, MAX_POLL_MS);

    const page = await get(undefined);
    if (!page) throw new AwsCallError(GET_OPERATION, `${arn}: the answer is empty`);
    if (page.JobStatus === "IN_PROGRESS") continue;
    if (page.JobStatus === "FAILED") {
      const cause = page.Error ? `${page.Error.Code ?? "(no code)"}: ${page.Error.Message ?? "(no message)"}` : "no error given";
      return { arn, operation: GET_OPERATION, reason: `${GET_OPERATION}: job ${job} FAILED: ${cause}`, ...(page.Error?.Code ? { code: page.Error.Code } : {}) };
    }
    if (page.JobStatus !== "COMPLETED") throw new AwsCallError(GET_OPERATION, `${arn}: unknown JobStatus ${JSON.stringify(page.JobStatus)}`);
    return completed(arn, page, await laterPages(page, get));
  }
}

async function laterPages(first: GetServiceLastAccessedDetailsResponse, get: (marker: string) => Promise<GetServiceLastAccessedDetailsResponse>): Promise<ServiceLastAccessed[]> {
  const services = [...(first.ServicesLastAccessed ?? [])];
  let page = first;
  while (page.IsTruncated) {
    if (!page.Marker) throw new AwsCallError(GET_OPERATION, "the page is truncated but has no Marker");
    page = await get(page.Marker);
    services.push(...(page?.ServicesLastAccessed ?? []));
  }
  return services.map((service) => plain(service) as ServiceLastAccessed);
}

function completed(arn: string, page: GetServiceLastAccessedDetailsResponse, services: ServiceLastAccessed[]): PrincipalServiceAccess {
  const access = { arn, jobCompletedAt: plain(page.JobCompletionDate), services };
  const parsed = principalServiceAccessSchema.safeParse(access);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AwsCallError(GET_OPERATION, `${arn}: malformed answer: ${(issue && pathText(issue.path)) || "(root)"}: ${issue?.message ?? "invalid"}`, { cause: parsed.error });
  }
  return parsed.data;
}

import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from "@aws-sdk/client-iam";
import { AwsCallError, awsCall, type CallContext, errorCode } from "./awsCall.ts";

export interface CredentialReport {
  /** The report's CSV text. */
  csv: string;
  /** GeneratedTime as an ISO instant. */
  generatedAt: string;
}

/** Waits between polls while AWS builds the report: 1, 2, 4, 8 s, then every 10 s. */
const FIRST_POLL_MS = 1_000;
const MAX_POLL_MS = 10_000;

// The SDK names errors by exception class; the query protocol's codes are kept for other clients.
const IN_PROGRESS = new Set(["CredentialReportNotReadyException", "ReportInProgress"]);
const GONE = new Set(["CredentialReportNotPresentException", "ReportNotPresent", "CredentialReportExpiredException", "ReportExpired"]);
const LIMIT_EXCEEDED = new Set(["LimitExceededException", "LimitExceeded"]);

const GENERATE = "iam:GenerateCredentialReport";
const GET = "iam:GetCredentialReport";

/**
 * Reads the account's credential report, asking IAM to build one first. GenerateCredentialReport is
 * polled until COMPLETE; LimitExceeded means IAM will not build another yet (it rebuilds at most
 * every 4 hours), so the existing report is read. A report GetCredentialReport finds missing or
 * expired is generated again. Waiting stops after `maxWaitMs`, counting both the clock and the
 * waits asked for, so an injected sleep that passes no time still ends.
 *
 * @throws AwsCallError when a call fails for another reason, or the report is not ready in time.
 */
export async function readCredentialReport(
  iam: IAMClient,
  context: CallContext & { now: () => number },
  maxWaitMs: number,
): Promise<CredentialReport> {
  const started = context.now();
  let waited = 0;
  let delay = FIRST_POLL_MS;
  const wait = async (operation: string, why: string) => {
    const elapsed = Math.max(context.now() - started, waited);
    if (elapsed >= maxWaitMs) throw new AwsCallError(operation, `the credential report is not ready after ${elapsed} ms (${why})`);
    const ms = Math.min(delay, maxWaitMs - elapsed);
    await context.sleep(ms);
    waited += ms;
    delay = Math.min(delay * 2, MAX_POLL_MS);
  };

  for (;;) {
    try {
      const generated = await awsCall(context, GENERATE, () => iam.send(new GenerateCredentialReportCommand({})));
      if (generated.State !== "COMPLETE") {
        await wait(GENERATE, `State ${generated.State ?? "(none)"}`);
        continue;
      }
    } catch (error) {
      const code = codeOf(error);
      if (code !== undefined && IN_PROGRESS.has(code)) {
        await wait(GENERATE, code);
        continue;
      }
      if (code === undefined || !LIMIT_EXCEEDED.has(code)) throw error;
    }
    try {
      const report = await awsCall(context, GET, () => iam.send(new GetCredentialReportCommand({})));
      return decode(report.Content, report.GeneratedTime);
    } catch (error) {
      const code = codeOf(error);
      if (code === undefined || !(IN_PROGRESS.has(code) || GONE.has(code))) throw error;
      await wait(GET, code);
    }
  }
}

function codeOf(error: unknown): string | undefined {
  return error instanceof AwsCallError ? error.code : errorCode(error);
}

function decode(content: Uint8Array | undefined, generatedTime: Date | undefined): CredentialReport {
  if (!content || content.length === 0) throw new AwsCallError(GET, "the answer has no Content");
  if (!generatedTime) throw new AwsCallError(GET, "the answer has no GeneratedTime");
  // The wire carries base64; the SDK hands over the decoded bytes.
  return { csv: new TextDecoder("utf-8", { fatal: true }).decode(content), generatedAt: generatedTime.toISOString() };
}

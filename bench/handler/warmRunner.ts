/**
 * Child process of run.ts: imports one handler bundle, invokes it on every batch in turn as the
 * Lambda runtime would (one at a time, a fresh context each) and writes each invocation's time.
 *   node --import tsx bench/handler/warmRunner.ts BUNDLE BATCHES_JSON RESULTS_JSON FUNCTION_NAME
 */
import { randomUUID } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { ClientRequest } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";

export interface WarmResults {
  /** Per batch, in order; the first includes the first call's setup (connections, lazy init). */
  timingsMs: number[];
  /** CPU time (user and system) this process spent on each batch: the handler's own work, which other load on the machine moves less than the wall time. */
  cpuMs: number[];
  /** Records the handler reported as failed, over all batches: any makes the figures suspect. */
  failedItems: number;
  /** DynamoDB requests by operation (its X-Amz-Target), over every batch but the first. */
  dynamoDbRequests: Record<string, number>;
}

const [bundle, batchesFile, resultsFile, functionName = "vigil-bench"] = process.argv.slice(2);
if (!bundle || !batchesFile || !resultsFile) throw new Error("usage: warmRunner.ts BUNDLE BATCHES_JSON RESULTS_JSON [FUNCTION_NAME]");

const { handler } = (await import(pathToFileURL(bundle).href)) as { handler: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> };
const batches = JSON.parse(await readFile(batchesFile, "utf8")) as SQSEvent[];
const results: WarmResults = { timingsMs: [], cpuMs: [], failedItems: 0, dynamoDbRequests: {} };
// Each request the bundle's SDK sends, seen through Node's HTTP client channel: the handler is left as built.
let counting = false;
subscribe("http.client.request.start", (message) => {
  const target = (message as { request: ClientRequest }).request.getHeader("x-amz-target");
  if (!counting || typeof target !== "string" || !target.startsWith("DynamoDB_")) return;
  const operation = target.slice(target.indexOf(".") + 1);
  results.dynamoDbRequests[operation] = (results.dynamoDbRequests[operation] ?? 0) + 1;
});
for (const [index, batch] of batches.entries()) {
  counting = index > 0;
  const context = lambdaContext(functionName);
  const started = performance.now();
  const cpu = process.cpuUsage();
  const response = await handler(batch, context);
  results.timingsMs.push(performance.now() - started);
  const spent = process.cpuUsage(cpu);
  results.cpuMs.push((spent.user + spent.system) / 1000);
  results.failedItems += response.batchItemFailures.length;
}
await writeFile(resultsFile, JSON.stringify(results));
// The SDK's keep-alive sockets would hold the process open.
process.exit(0);

function lambdaContext(name: string): Context {
  const done = () => undefined;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:us-east-1:111122223333:function:${name}`,
    memoryLimitInMB: "1024",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: "2026/11/22/[$LATEST]00000000000000000000000000000000",
    getRemainingTimeInMillis: () => 60_000,
    done,
    fail: done,
    succeed: done,
  };
}

import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { holdHandlersToTheirRoles } from "../functions/functionRoles.ts";
import { type CloudTrailRecord, cloudTrailRecord, eventMessage, lambdaContext, sqsEvent, sqsRecord, withEventId } from "../functions/lambdaEvents.ts";
import { captureLogs, type Deployment, deploy, type EvaluateModule, type LocalMonitor, publishedFinding, startLocalMonitor } from "../functions/localMonitor.ts";
import { FUZZ_TIMEOUT_MS, fuzzRuns, HOSTILE_PIECES } from "./runs.ts";

const sns = mockClient(SNSClient);
mockClient(IAMClient);
holdHandlersToTheirRoles();

/** Records that each make one finding of a known rule. */
const POSITIVES: [string, CloudTrailRecord][] = [
  ["iam-user-created", cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json")],
  ["root-console-login", cloudTrailRecord("rules/root-console-login/positive-with-mfa-eventbridge.json")],
];

let monitor: LocalMonitor;
let deployment: Deployment;
let handler: EvaluateModule["handler"];
beforeAll(async () => {
  monitor = await startLocalMonitor();
  deployment = await deploy(monitor);
  handler = await deployment.evaluate();
});
afterAll(async () => {
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  captureLogs();
  sns.reset();
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
});

/** Bodies that are not an EventBridge event around a CloudTrail record, whatever else they are. */
const badBody = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.jsonValue().filter((value) => typeof value !== "object" || value === null || Array.isArray(value) || !("detail" in value)).map((value) => JSON.stringify(value)),
  fc.record({ "detail-type": fc.string(), detail: fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.array(fc.jsonValue())) }).map((value) => JSON.stringify(value)),
  fc.record({ version: fc.constant("0"), source: fc.constant("aws.iam"), detail: fc.record({ eventName: fc.jsonValue(), eventSource: fc.integer() }) }).map((value) => JSON.stringify(value)),
  fc.nat(6000).map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
);

/** A positive record under a fresh eventID whose string fields may carry hostile text: still CloudTrail, still evaluated. */
const goodRecord = fc.tuple(fc.constantFrom(...POSITIVES), fc.constantFrom(...HOSTILE_PIECES)).map(([[ruleId, record], hostile]) => {
  const copy = withEventId(record);
  copy.userAgent = `aws-cli/2.22.4 ${hostile}`;
  return { ruleId, record: copy };
});

describe("Fuzz: the evaluate handler's event parsing", () => {
  it("fails exactly the messages that are not CloudTrail events, and evaluates every other message of the batch", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(goodRecord, { minLength: 1, maxLength: 4 }), fc.array(badBody, { minLength: 1, maxLength: 4 }), fc.nat(), async (goods, bads, seed) => {
        const goodMessages = goods.map(({ record }) => eventMessage(record));
        const badMessages = bads.map((body) => sqsRecord(body));
        const batch = [...goodMessages, ...badMessages].sort((a, b) => ((a.messageId + seed).localeCompare(b.messageId + seed)));

        const before = sns.commandCalls(PublishCommand).length;
        const result = await handler(sqsEvent(...batch), lambdaContext("vigil-prod-Evaluate"));

        expect(new Set(result.batchItemFailures.map((failure) => failure.itemIdentifier))).toEqual(new Set(badMessages.map((message) => message.messageId)));
        // Each good record made its finding, stored and published by this invocation.
        const published = sns.commandCalls(PublishCommand).slice(before).map((call) => publishedFinding(call.args[0].input));
        for (const { ruleId, record } of goods) {
          expect(published.some((finding) => finding.ruleId === ruleId && finding.eventId === record.eventID), `${ruleId} ${record.eventID}`).toBe(true);
        }
        const stored = await Promise.all(published.map((finding) => deployment.store.reader.getFindingWithHistory(finding.id)));
        expect(stored.every((found) => found !== undefined)).toBe(true);
      }),
      { numRuns: fuzzRuns(25) },
    );
  }, FUZZ_TIMEOUT_MS);
});

import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { type CloudTrailRecord, cloudTrailRecords, eventMessage, lambdaContext, redelivered, sqsEvent } from "./lambdaEvents.ts";
import { captureLogs, type Deployment, deploy, type EvaluateModule, type LocalMonitor, publishedFinding, startLocalMonitor } from "./localMonitor.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

const sns = mockClient(SNSClient);
mockClient(IAMClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const RULE = "console-login-failures";
/** Five failed sign-ins of one user within ten minutes: the rule's default threshold. */
const FAILURES = cloudTrailRecords(`rules/${RULE}/positive-one-user-many-ips.json`);
/** Four: one short of it. */
const TOO_FEW = cloudTrailRecords(`rules/${RULE}/negative-four-failures.json`);

const context = () => lambdaContext("vigil-prod-Evaluate");

let monitor: LocalMonitor;
beforeAll(async () => {
  monitor = await startLocalMonitor();
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

const ruleFindings = async (deployment: Deployment) => (await deployment.store.reader.listFindings()).items.filter((finding) => finding.ruleId === RULE);
const rulePublishes = () => sns.commandCalls(PublishCommand).map((call) => publishedFinding(call.args[0].input)).filter((finding) => finding.ruleId === RULE);

/** Each batch in its own Lambda container, one after the other. */
async function evaluateInTurn(deployment: Deployment, batches: CloudTrailRecord[][]) {
  for (const batch of batches) {
    const handler = await deployment.evaluate();
    expect(await handler(sqsEvent(...batch.map((record) => eventMessage(record))), context())).toEqual({ batchItemFailures: [] });
  }
}

describe("Function: evaluate handler (threshold rules)", () => {
  it("fires console-login-failures once when the failures arrive over several batches and invocations", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    expect(FAILURES).toHaveLength(5);

    // Act
    await evaluateInTurn(deployment, [FAILURES.slice(0, 2), FAILURES.slice(2, 4), FAILURES.slice(4)]);

    // Assess
    const findings = await ruleFindings(deployment);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.eventIds?.sort()).toEqual(FAILURES.map((record) => record.eventID).sort());
    expect(findings[0]?.details).toMatchObject({ failures: 5 });
    expect(rulePublishes().map((finding) => finding.id)).toEqual([findings[0]?.id]);
  });

  it("fires it once when every failure is evaluated by its own invocation at the same time", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const containers: EvaluateModule["handler"][] = [];
    for (const _record of FAILURES) containers.push(await deployment.evaluate());

    // Act
    const results = await Promise.all(FAILURES.map((record, index) => containers[index]?.(sqsEvent(eventMessage(record)), context())));

    // Assess
    expect(results).toEqual(FAILURES.map(() => ({ batchItemFailures: [] })));
    const findings = await ruleFindings(deployment);
    expect(findings).toHaveLength(1);
    expect(findings[0]?.eventIds?.sort()).toEqual(FAILURES.map((record) => record.eventID).sort());
    expect(rulePublishes().map((finding) => finding.id)).toEqual([findings[0]?.id]);
  });

  it("does not fire again when the whole burst is delivered a second time", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const messages = FAILURES.map((record) => eventMessage(record));
    const handler = await deployment.evaluate();
    expect(await handler(sqsEvent(...messages), context())).toEqual({ batchItemFailures: [] });

    // Act
    const again = await (await deployment.evaluate())(sqsEvent(...messages.map(redelivered)), context());

    // Assess
    expect(again).toEqual({ batchItemFailures: [] });
    expect(await ruleFindings(deployment)).toHaveLength(1);
    expect(rulePublishes()).toHaveLength(1);
  });

  it("does not fire for one failure fewer than the threshold, however they are split", async () => {
    // Prepare
    const deployment = await deploy(monitor);

    // Act
    await evaluateInTurn(deployment, [TOO_FEW.slice(0, 1), TOO_FEW.slice(1, 3), TOO_FEW.slice(3)]);

    // Assess
    expect(TOO_FEW).toHaveLength(4);
    expect(await ruleFindings(deployment)).toEqual([]);
    expect(rulePublishes()).toEqual([]);
  });
});

import { randomUUID } from "node:crypto";
import { IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";
import { cloudTrailRecords, eventMessage, lambdaContext, redelivered, sqsEvent } from "./lambdaEvents.ts";
import { captureLogs, type Deployment, deploy, type EvaluateModule, type LocalMonitor, publishedFinding, startLocalMonitor } from "./localMonitor.ts";

const sns = mockClient(SNSClient);
mockClient(IAMClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const SEQUENCE_RULE = "admin-backdoor-sequence";
/** CreateUser, CreateAccessKey, AttachUserPolicy AdministratorAccess on support-backup within a minute. */
const BACKDOOR = cloudTrailRecords(`rules/${SEQUENCE_RULE}/positive-admin-user-with-key.json`);
/** Sixteen different IAM read calls by one role session within three minutes. */
const SWEEP = cloudTrailRecords("rules/iam-enumeration/positive-sweep-by-role-session.json");

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

const findingsOf = async (deployment: Deployment, ruleId: string) => (await deployment.store.reader.listFindings()).items.filter((finding) => finding.ruleId === ruleId);
const publishesOf = (ruleId: string) => sns.commandCalls(PublishCommand).map((call) => publishedFinding(call.args[0].input)).filter((finding) => finding.ruleId === ruleId);

describe("Function: evaluate handler (sequence and enumeration rules)", () => {
  it("reports a backdoor user once, naming every step, when its steps arrive last-first in separate invocations", async () => {
    // Prepare
    const deployment = await deploy(monitor);

    // Act
    for (const record of [...BACKDOOR].reverse()) {
      const handler = await deployment.evaluate();
      expect(await handler(sqsEvent(eventMessage(record)), context())).toEqual({ batchItemFailures: [] });
    }

    // Assess
    const findings = await findingsOf(deployment, SEQUENCE_RULE);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: "CRITICAL", resource: "arn:aws:iam::111122223333:user/support-backup" });
    expect(findings[0]?.eventIds?.sort()).toEqual(BACKDOOR.map((record) => record.eventID).sort());
    expect(findings[0]?.summary).toMatch(/CreateUser by .*; an access key created by .*; AdministratorAccess attached by /);
    expect(publishesOf(SEQUENCE_RULE).map((finding) => finding.id)).toEqual([findings[0]?.id]);
  });

  it("reports it once when each step is evaluated by its own invocation at the same time, and again delivered", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const deliveries = [...BACKDOOR.map((record) => eventMessage(record)), ...BACKDOOR.map((record) => redelivered(eventMessage(record)))];
    const containers: EvaluateModule["handler"][] = [];
    for (const _message of deliveries) containers.push(await deployment.evaluate());

    // Act
    const results = await Promise.all(deliveries.map((message, index) => containers[index]?.(sqsEvent(message), context())));

    // Assess
    expect(results).toEqual(deliveries.map(() => ({ batchItemFailures: [] })));
    const findings = await findingsOf(deployment, SEQUENCE_RULE);
    expect(findings).toHaveLength(1);
    expect(publishesOf(SEQUENCE_RULE)).toHaveLength(1);
  });

  it("reports an IAM sweep split over two batches once, counting different calls", async () => {
    // Prepare
    const deployment = await deploy(monitor);

    // Act
    for (const batch of [SWEEP.slice(0, 8), SWEEP.slice(8)]) {
      const handler = await deployment.evaluate();
      expect(await handler(sqsEvent(...batch.map((record) => eventMessage(record))), context())).toEqual({ batchItemFailures: [] });
    }

    // Assess
    const findings = await findingsOf(deployment, "iam-enumeration");
    expect(findings).toHaveLength(1);
    expect(findings[0]?.details).toMatchObject({ distinctCalls: 15, windowMinutes: 10 });
    expect(publishesOf("iam-enumeration")).toHaveLength(1);
  });
});

import { randomUUID } from "node:crypto";
import { PublishCommand, type PublishCommandInput, SNSClient, ThrottledException } from "@aws-sdk/client-sns";
import type { Finding } from "@vigil/core";
import { SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable } from "@vigil/store-dynamodb/local";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { TOPIC_ARN } from "../../functions/lambdaEvents.ts";
import { makeFinding, type MovableClock, movableClock } from "../store-dynamodb/findingFactory.ts";

const sns = mockClient(SNSClient);
const NOW = Date.parse("2026-11-22T12:00:00.000Z");
const LEASE = 60_000;
const OWNER = "request-1/message-1";

const dynalite = useDynalite();
let tables = 0;
beforeEach(() => {
  sns.reset();
});

/** Findings stored and claimed for OWNER, as the batch that has just created them holds them. */
async function claimedFindings(count: number): Promise<{ store: FindingStore; findings: Finding[]; clock: MovableClock }> {
  const tableName = `sns-delivery-${++tables}`;
  await ensureFindingsTable(dynalite().client, tableName);
  const clock = movableClock(NOW);
  const store = createFindingStore({ client: dynalite().client, tableName, now: clock.now });
  const findings = Array.from({ length: count }, (_, n) => makeFinding(n));
  await store.writer.putFindings(findings, { claimFor: { owner: OWNER, leaseMs: LEASE } });
  // Delivered a second after they were stored.
  clock.ms = NOW + 1000;
  return { store, findings, clock };
}

/** SNS answering each Publish after `delayMs`, refusing the findings in `throttled`; it counts the publishes in flight. */
function slowTopic(delayMs: number, throttled: ReadonlySet<string> = new Set()): { published: string[]; mostInFlight: () => number } {
  const published: string[] = [];
  let inFlight = 0;
  let most = 0;
  sns.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    inFlight--;
    // MessageStructure json: the finding is the default body.
    const { id } = JSON.parse((JSON.parse(input.Message ?? "{}") as { default: string }).default) as Finding;
    if (throttled.has(id)) throw new ThrottledException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } });
    published.push(id);
    return { MessageId: randomUUID() };
  });
  return { published, mostInFlight: () => most };
}

function delivery(store: FindingStore): SnsDelivery {
  const publisher = new SnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN });
  return new SnsDelivery({ outbox: store.outbox, publisher, leaseMs: LEASE });
}

describe("Class: SnsDelivery", () => {
  it("publishes a batch's findings at the same time, and reports them in order with the refused one left for the sweep", async () => {
    // Prepare
    const { store, findings, clock } = await claimedFindings(4);
    const refused = findings[2] as Finding;
    const topic = slowTopic(20, new Set([refused.id]));

    // Act
    const report = await delivery(store).deliverClaimed(findings, OWNER);

    // Assess
    expect(topic.mostInFlight()).toBe(findings.length);
    expect(report.delivered).toEqual(findings.filter((finding) => finding !== refused).map((finding) => finding.id));
    expect(report.failed.map(({ id, error }) => [id, (error as Error).message])).toEqual([[refused.id, expect.stringContaining("Rate exceeded")]]);
    expect((await store.outbox.getDeliveries(refused.id))?.sns).toMatchObject({ delivered: false, lastError: expect.stringContaining("Rate exceeded") });
    clock.ms = NOW + 2000;
    expect((await store.outbox.listUndelivered()).map((finding) => finding.id)).toEqual([refused.id]);
  });

  it("publishes each finding of a large sweep once, a few at a time", async () => {
    // Prepare
    const { store, findings } = await claimedFindings(30);
    const topic = slowTopic(1);

    // Act
    const report = await delivery(store).deliverClaimed(findings, OWNER);

    // Assess
    expect(report).toEqual({ delivered: findings.map((finding) => finding.id), failed: [] });
    expect([...topic.published].sort()).toEqual(findings.map((finding) => finding.id).sort());
    expect(topic.mostInFlight()).toBeGreaterThan(1);
    expect(topic.mostInFlight()).toBeLessThan(findings.length);
  });
});

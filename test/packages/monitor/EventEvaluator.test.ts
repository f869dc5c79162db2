import { randomUUID } from "node:crypto";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { type AnyRule, catalogue, defineRule, Engine, MemoryWindowStore, parseEvent, resolveConfig } from "@vigil/core";
import { EventEvaluator, RuleFailuresError, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { cloudTrailRecord, TOPIC_ARN, withEventId } from "../../functions/lambdaEvents.ts";

const sns = mockClient(SNSClient);
const NOW = new Date("2026-11-22T12:00:00.000Z");
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const OMITTED_CREATE_POLICY = cloudTrailRecord("omitted-policies/create-policy.json");

const broken = defineRule({
  kind: "event",
  meta: { ...catalogue[0]!.meta, id: "always-throws" },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
  evaluate() {
    throw new Error("boom");
  },
});

let dynalite: RunningDynalite;
let tables = 0;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});
beforeEach(() => {
  sns.reset();
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
});

async function evaluator(rules: readonly AnyRule[] = catalogue) {
  const tableName = `monitor-${++tables}`;
  await ensureFindingsTable(dynalite.client, tableName);
  const now = () => NOW;
  const store = new FindingStore({ client: dynalite.client, tableName, now });
  const delivery = new SnsDelivery({ store, publisher: new SnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN }), now });
  const engine = new Engine({ rules, config: resolveConfig({}, rules), windows: new MemoryWindowStore(), now });
  return { store, evaluator: new EventEvaluator({ engine, store, delivery, now }) };
}

describe("Class: EventEvaluator", () => {
  it("stores and publishes the findings it creates, and reports them", async () => {
    // Prepare
    const { store, evaluator: subject } = await evaluator();
    const event = parseEvent(withEventId(USER_CREATED));

    // Act
    const first = await subject.evaluate(event, "request-1/message-1");
    const again = await subject.evaluate(event, "request-2/message-1");

    // Assess
    expect(first).toMatchObject({ eventId: event.eventID, eventName: "CreateUser", policyFetched: false });
    expect(first.created).toEqual(first.findings);
    expect(first.notifications).toEqual({ delivered: first.findings.map((finding) => finding.id), failed: [] });
    expect(again.created).toEqual([]);
    expect(again.notifications).toEqual({ delivered: [], failed: [] });
    expect(again.findings).toEqual(first.findings);
    expect((await store.listFindings()).items.map((finding) => finding.id)).toEqual(first.findings.map((finding) => finding.id));
    expect(sns.commandCalls(PublishCommand)).toHaveLength(first.findings.length);
  });

  it("stores and publishes the other rules' findings, then fails the event naming the rule that threw", async () => {
    // Prepare
    const { store, evaluator: subject } = await evaluator([broken, ...catalogue]);
    const event = parseEvent(withEventId(USER_CREATED));

    // Act
    const first = subject.evaluate(event, "request-1/message-1");
    await expect(first).rejects.toThrow(RuleFailuresError);
    const retried = await subject.evaluate(event, "request-2/message-1").catch((error: unknown) => error);

    // Assess
    expect(retried).toBeInstanceOf(RuleFailuresError);
    expect(retried).toMatchObject({ ruleIds: ["always-throws"], message: `event ${event.eventID}: rule always-throws failed: boom` });
    const stored = (await store.listFindings()).items;
    expect(stored.map((finding) => finding.ruleId)).toEqual(["iam-user-created"]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect((await store.getDeliveries(stored[0]?.id ?? ""))?.sns.delivered).toBe(true);
  });

  it("lets the omitted-document finding stand when it has no IAM client to read the document with", async () => {
    // Prepare
    const { evaluator: subject } = await evaluator();

    // Act
    const outcome = await subject.evaluate(parseEvent(OMITTED_CREATE_POLICY), "request-1/message-1");

    // Assess
    expect(outcome.policyFetched).toBe(false);
    expect(outcome.findings.map((finding) => finding.ruleId)).toEqual(["policy-document-omitted"]);
  });
});

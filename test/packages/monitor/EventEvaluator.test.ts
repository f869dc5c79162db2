import { randomUUID } from "node:crypto";
import { GetPolicyVersionCommand, IAMClient } from "@aws-sdk/client-iam";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { restoreOmittedPolicy } from "@vigil/aws-iam";
import { type AnyRule, catalogue, defineRule, Engine, MemoryWindowStore, parseEvent, resolveConfig } from "@vigil/core";
import { type EventEvaluatorOptions, EventEvaluator, type PolicyRestorer, RuleFailuresError, SnsDelivery } from "@vigil/monitor";
import { SnsNotifier } from "@vigil/notify";
import { createFindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable } from "@vigil/store-dynamodb/local";
import { mockClient } from "aws-sdk-client-mock";
import { beforeEach, describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { cloudTrailRecord, TOPIC_ARN, withEventId } from "../../functions/lambdaEvents.ts";
import { rfc3986Encode } from "../aws-iam/iamEncoding.ts";

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const NOW = new Date("2026-11-22T12:00:00.000Z");
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const OMITTED_CREATE_POLICY = cloudTrailRecord("omitted-policies/create-policy.json");
const ADMIN = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}';

const broken = defineRule({
  kind: "event",
  meta: { ...catalogue[0]!.meta, id: "always-throws" },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
  evaluate() {
    throw new Error("boom");
  },
});

const dynalite = useDynalite();
let tables = 0;
beforeEach(() => {
  sns.reset();
  iam.reset();
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
  iam.on(GetPolicyVersionCommand).resolves({
    PolicyVersion: { Document: rfc3986Encode(ADMIN), VersionId: "v1", IsDefaultVersion: true, CreateDate: new Date("2026-11-21T03:14:47Z") },
  });
});

/** A loader of restoreOmittedPolicy over an IAM client, counting its loads; it fails as often as `failures` says first. */
function restorerLoader(failures = 0): { load: () => Promise<PolicyRestorer>; loads: () => number } {
  let loads = 0;
  const client = new IAMClient({ region: "us-east-1" });
  return {
    load: async () => {
      if (++loads <= failures) throw new Error("chunk not found");
      return (event) => restoreOmittedPolicy(client, event);
    },
    loads: () => loads,
  };
}

async function evaluator(rules: readonly AnyRule[] = catalogue, options: Partial<EventEvaluatorOptions> = {}) {
  const tableName = `monitor-${++tables}`;
  await ensureFindingsTable(dynalite().client, tableName);
  const now = () => NOW;
  const store = createFindingStore({ client: dynalite().client, tableName, now });
  const delivery = new SnsDelivery({ outbox: store.outbox, publisher: new SnsNotifier({ client: new SNSClient({ region: "us-east-1" }), topicArn: TOPIC_ARN }) });
  const engine = new Engine({ rules, config: resolveConfig({}, rules), windows: new MemoryWindowStore(), now });
  return { store, evaluator: new EventEvaluator({ engine, store: store.writer, delivery, ...options }) };
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
    expect((await store.reader.listFindings()).items.map((finding) => finding.id)).toEqual(first.findings.map((finding) => finding.id));
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
    const stored = (await store.reader.listFindings()).items;
    expect(stored.map((finding) => finding.ruleId)).toEqual(["iam-user-created"]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
    expect((await store.outbox.getDeliveries(stored[0]?.id ?? ""))?.sns.delivered).toBe(true);
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

  it("loads the IAM reader when the first event that omitted its document comes, once, and not for other events", async () => {
    // Prepare
    const restorer = restorerLoader();
    const { evaluator: subject } = await evaluator(catalogue, { loadPolicyRestorer: restorer.load });

    // Act
    await subject.evaluate(parseEvent(withEventId(USER_CREATED)), "request-1/message-1");
    const loadsBefore = restorer.loads();
    const first = await subject.evaluate(parseEvent(withEventId(OMITTED_CREATE_POLICY)), "request-1/message-2");
    const second = await subject.evaluate(parseEvent(withEventId(OMITTED_CREATE_POLICY)), "request-2/message-1");

    // Assess
    expect(loadsBefore).toBe(0);
    expect(restorer.loads()).toBe(1);
    for (const outcome of [first, second]) {
      expect(outcome.policyFetched).toBe(true);
      expect(outcome.findings.map((finding) => finding.ruleId)).toContain("policy-grants-full-admin");
    }
    expect(iam.commandCalls(GetPolicyVersionCommand)).toHaveLength(2);
  });

  it("fails the event whose IAM reader did not load, and loads it again for the next", async () => {
    // Prepare
    const restorer = restorerLoader(1);
    const { evaluator: subject } = await evaluator(catalogue, { loadPolicyRestorer: restorer.load });
    const event = parseEvent(withEventId(OMITTED_CREATE_POLICY));

    // Act
    const failed = subject.evaluate(event, "request-1/message-1");
    await expect(failed).rejects.toThrow("chunk not found");
    const retried = await subject.evaluate(event, "request-2/message-1");

    // Assess
    expect(restorer.loads()).toBe(2);
    expect(retried.policyFetched).toBe(true);
  });
});

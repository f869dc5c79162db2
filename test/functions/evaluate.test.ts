import { randomUUID } from "node:crypto";
import { GetPolicyVersionCommand, IAMClient, IAMServiceException } from "@aws-sdk/client-iam";
import { OrganizationsClient } from "@aws-sdk/client-organizations";
import { PublishCommand, type PublishCommandInput, SNSClient, ThrottledException } from "@aws-sdk/client-sns";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { Finding } from "@vigil/core";
import type { Deliveries } from "@vigil/store-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { rfc3986Encode } from "../packages/aws-iam/iamEncoding.ts";
import {
  cloudTrailRecord,
  eventBridgeEvent,
  eventMessage,
  lambdaContext,
  redelivered,
  sqsEvent,
  sqsRecord,
  withEventId,
} from "./lambdaEvents.ts";
import { type CapturedLogs, captureLogs, deploy, type LocalMonitor, publishedFinding, startLocalMonitor } from "./localMonitor.ts";
import { holdHandlersToTheirRoles } from "./functionRoles.ts";

const sns = mockClient(SNSClient);
const iam = mockClient(IAMClient);
const sts = mockClient(STSClient);
// Without ORGANIZATION the handler never asks Organizations: any call would fail the test that made it.
const organizations = mockClient(OrganizationsClient);
// Every test also fails if a handler sent what its role would not allow (functionRoles.ts).
holdHandlersToTheirRoles();

const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");
const OMITTED_CREATE_POLICY = cloudTrailRecord("omitted-policies/create-policy.json");
/** `*` on `*`, padded past CloudTrail's request size limit the way the evasion does it. */
const ADMIN = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}${"\n".repeat(2000)}`;

const context = () => lambdaContext("vigil-prod-Evaluate");
const publishes = (): PublishCommandInput[] => sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
const publishedIds = () => publishes().map((input) => publishedFinding(input).id);

let monitor: LocalMonitor;
let logs: CapturedLogs;
beforeAll(async () => {
  monitor = await startLocalMonitor();
});
afterAll(async () => {
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  logs = captureLogs();
  sns.reset();
  iam.reset();
  sts.reset();
  organizations.reset();
  sns.on(PublishCommand).callsFake(async () => ({ MessageId: randomUUID() }));
  sts.on(GetCallerIdentityCommand).resolves({
    UserId: "AROA6ON6E4XEEVALUATE1:vigil-prod-Evaluate",
    Account: "111122223333",
    Arn: "arn:aws:sts::111122223333:assumed-role/vigil-prod-EvaluateRole/vigil-prod-Evaluate",
  });
});
afterEach(() => {
  expect(organizations.calls(), "Organizations calls in single-account mode").toEqual([]);
});

describe("Function: evaluate handler", () => {
  describe("the same event delivered more than once", () => {
    it("stores one finding and publishes it once when the event comes again in a later batch", async () => {
      // Prepare
      const deployment = await deploy(monitor);
      const handler = await deployment.evaluate();
      const message = eventMessage(USER_CREATED);

      // Act
      const first = await handler(sqsEvent(message), context());
      const second = await handler(sqsEvent(redelivered(message)), context());

      // Assess
      expect(first).toEqual({ batchItemFailures: [] });
      expect(second).toEqual({ batchItemFailures: [] });
      const stored = (await deployment.store.reader.listFindings()).items;
      expect(stored.map((finding) => [finding.ruleId, finding.eventId])).toEqual([["iam-user-created", USER_CREATED.eventID]]);
      expect(publishedIds()).toEqual([stored[0]?.id]);
    });

    it("stores one finding and publishes it once when EventBridge delivered the event twice into one batch", async () => {
      // Prepare
      const deployment = await deploy(monitor);
      const handler = await deployment.evaluate();
      const event = JSON.stringify(eventBridgeEvent(USER_CREATED));

      // Act
      const result = await handler(sqsEvent(sqsRecord(event), sqsRecord(event)), context());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      const stored = (await deployment.store.reader.listFindings()).items;
      expect(stored).toHaveLength(1);
      expect(publishedIds()).toEqual([stored[0]?.id]);
    });

    it("stores and publishes each finding once when two invocations evaluate the same events at the same time", async () => {
      // Prepare: two warm Lambda containers (a cold one would lag behind and never race), each
      // handed its own copy of every event, so that both check the table before either writes.
      const deployment = await deploy(monitor);
      const [containerA, containerB] = [await deployment.evaluate(), await deployment.evaluate()];
      for (const container of [containerA, containerB]) await container(sqsEvent(eventMessage(withEventId(USER_CREATED))), context());
      sns.resetHistory();
      const records = Array.from({ length: 5 }, () => withEventId(USER_CREATED));
      const eventIds = records.map((record) => record.eventID);
      const batch = () => sqsEvent(...records.map((record) => eventMessage(record)));

      // Act
      const results = await Promise.all([containerA(batch(), context()), containerB(batch(), context())]);

      // Assess
      expect(results).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
      const stored = (await deployment.store.reader.listFindings()).items.filter((finding) => eventIds.includes(finding.eventId ?? ""));
      expect(stored.map((finding) => finding.eventId).sort()).toEqual([...eventIds].sort());
      expect(publishedIds().sort()).toEqual(stored.map((finding) => finding.id).sort());
      for (const finding of stored) expect((await deployment.store.outbox.getDeliveries(finding.id))?.sns.delivered).toBe(true);
    });
  });

  it("keeps the CloudTrail record with the finding for its detail, out of the finding it publishes", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await deployment.evaluate();

    // Act
    const result = await handler(sqsEvent(eventMessage(USER_CREATED)), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [stored] = (await deployment.store.reader.listFindings()).items;
    expect(await deployment.store.reader.getFindingDetail(stored!.id)).toMatchObject({ events: [{ eventId: USER_CREATED.eventID, record: USER_CREATED }], eventsNotKept: [] });
    expect(stored).not.toHaveProperty("sourceEvents");
    expect(publishedFinding(publishes()[0]!)).not.toHaveProperty("sourceEvents");
  });

  it("stores a finding before publishing it, and records the delivery after", async () => {
    // Prepare: at the moment SNS is called, look at what the table holds.
    const deployment = await deploy(monitor);
    const handler = await deployment.evaluate();
    const atPublish: { published: Finding; stored: Finding | undefined; deliveries: Deliveries | undefined; messageId: string }[] = [];
    sns.on(PublishCommand).callsFake(async (input: PublishCommandInput) => {
      const published = publishedFinding(input);
      const messageId = randomUUID();
      atPublish.push({ published, stored: await deployment.store.reader.getFinding(published.id), deliveries: await deployment.store.outbox.getDeliveries(published.id), messageId });
      return { MessageId: messageId };
    });
    const message = eventMessage(USER_CREATED);

    // Act
    const result = await handler(sqsEvent(message), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    expect(atPublish).toHaveLength(1);
    const [{ published, stored, deliveries, messageId }] = atPublish as [(typeof atPublish)[number]];
    expect(stored).toStrictEqual(published);
    expect(deliveries?.sns).toMatchObject({ delivered: false, lease: { owner: expect.stringContaining(message.messageId) } });
    expect((await deployment.store.outbox.getDeliveries(published.id))?.sns).toMatchObject({ delivered: true, reference: messageId });
  });

  it("keeps a finding whose Publish failed, without failing its message, and logs that the sweep will retry", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await deployment.evaluate();
    sns.on(PublishCommand).rejects(new ThrottledException({ message: "Rate exceeded", $metadata: { httpStatusCode: 400 } }));

    // Act
    const result = await handler(sqsEvent(eventMessage(USER_CREATED)), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const [stored] = (await deployment.store.reader.listFindings()).items;
    expect(stored?.eventId).toBe(USER_CREATED.eventID);
    expect((await deployment.store.outbox.getDeliveries(stored?.id ?? ""))?.sns).toMatchObject({ delivered: false, lastError: expect.stringContaining("Rate exceeded") });
    expect((await deployment.store.outbox.listUndelivered()).map((finding) => finding.id)).toEqual([stored?.id]);
    expect(logs.entries()).toContainEqual(
      expect.objectContaining({ level: "WARN", message: "notifications failed; the retry sweep will publish them", failed: [{ id: stored?.id, error: expect.stringContaining("Rate exceeded") }] }),
    );
  });

  it("warns once per container about each expired ignore entry, and reports what it no longer silences", async () => {
    // Prepare
    const ignore = [
      { principal: "arn:aws:iam::*:user/ci-*", reason: "CI provisions users", owner: "platform-team", expires: "2020-01-31" },
      { principal: "arn:aws:iam::*:role/BreakGlass", reason: "break-glass access", expires: "2999-12-31" },
    ];
    const deployment = await deploy(monitor, { vigilConfig: { ignore } });
    const handler = await deployment.evaluate();

    // Act
    await handler(sqsEvent(eventMessage(USER_CREATED)), context());
    await handler(sqsEvent(eventMessage(withEventId(USER_CREATED)), eventMessage(withEventId(USER_CREATED))), context());

    // Assess
    const warnings = logs.entries().filter((entry) => entry.message === "ignore entry expired; it no longer silences anything");
    expect(warnings).toEqual([
      expect.objectContaining({ level: "WARN", entry: "ignore.0", reason: "CI provisions users", owner: "platform-team", expires: "2020-01-31" }),
    ]);
    expect(publishes()).toHaveLength(3);
  });

  it("logs each event of a batch under its own event id as correlation id", async () => {
    // Prepare
    const deployment = await deploy(monitor);
    const handler = await deployment.evaluate();
    const records = Array.from({ length: 4 }, () => withEventId(USER_CREATED));

    // Act
    const result = await handler(sqsEvent(...records.map((record) => eventMessage(record))), context());

    // Assess
    expect(result).toEqual({ batchItemFailures: [] });
    const eventIdOf = new Map((await deployment.store.reader.listFindings()).items.map((finding) => [finding.id, finding.eventId]));
    const evaluated = logs.entries().filter((entry) => entry.message === "event evaluated");
    expect(evaluated.map((entry) => [entry.correlation_id, eventIdOf.get((entry.findings as string[])[0] ?? "")]).sort()).toEqual(
      records.map((record) => [record.eventID, record.eventID]).sort(),
    );
  });

  describe("a bad message in a batch", () => {
    it("fails only the bad messages, evaluates the good ones, and logs which field is wrong", async () => {
      // Prepare
      const deployment = await deploy(monitor);
      const handler = await deployment.evaluate();
      const good = [withEventId(USER_CREATED), withEventId(USER_CREATED)] as const;
      const { eventID: _dropped, ...withoutEventId } = withEventId(USER_CREATED);
      const bad = {
        notJson: sqsRecord('{"version":"0","id":"e2a1c4b0-3c7e-4c1d-9b1e-7f0d5f2b7a11","detail-type":"AWS API Call via CloudTrail",'),
        bareRecord: sqsRecord(JSON.stringify(withEventId(USER_CREATED))),
        scheduledEvent: sqsRecord(
          JSON.stringify({ ...eventBridgeEvent(USER_CREATED), "detail-type": "Scheduled Event", source: "aws.events", detail: {} }),
        ),
        missingEventId: sqsRecord(JSON.stringify({ ...eventBridgeEvent(USER_CREATED), detail: withoutEventId })),
      };

      // Act
      const result = await handler(
        sqsEvent(bad.notJson, eventMessage(good[0]), bad.bareRecord, bad.scheduledEvent, eventMessage(good[1]), bad.missingEventId),
        context(),
      );

      // Assess
      expect(result.batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual([
        bad.notJson.messageId,
        bad.bareRecord.messageId,
        bad.scheduledEvent.messageId,
        bad.missingEventId.messageId,
      ]);
      const stored = (await deployment.store.reader.listFindings()).items;
      expect(stored.map((finding) => finding.eventId).sort()).toEqual(good.map((record) => record.eventID).sort());
      expect(publishedIds().sort()).toEqual(stored.map((finding) => finding.id).sort());
      const errors = new Map(
        logs
          .entries()
          .filter((entry) => entry.message === "event not evaluated")
          .map((entry) => [entry.messageId, (entry.error as { name: string; message: string }) ?? {}]),
      );
      expect(errors.size).toBe(4);
      expect(errors.get(bad.notJson.messageId)).toMatchObject({ name: "InvalidMessageError", message: expect.stringMatching(/^body: not JSON/) });
      expect(errors.get(bad.bareRecord.messageId)).toMatchObject({ name: "InvalidMessageError", message: expect.stringMatching(/^body: .*detail-type/) });
      expect(errors.get(bad.scheduledEvent.messageId)).toMatchObject({ name: "InvalidMessageError", message: expect.stringContaining('detail-type: not a CloudTrail event ("Scheduled Event")') });
      expect(errors.get(bad.missingEventId.messageId)).toMatchObject({ name: "InvalidMessageError", message: "$.detail: eventID: required field is missing" });
    });
  });

  describe("a policy document CloudTrail omitted", () => {
    it("reads the document from IAM and stores the full-admin finding it makes", async () => {
      // Prepare
      const deployment = await deploy(monitor);
      const handler = await deployment.evaluate();
      iam.on(GetPolicyVersionCommand).resolves({
        PolicyVersion: { Document: rfc3986Encode(ADMIN), VersionId: "v1", IsDefaultVersion: true, CreateDate: new Date("2026-11-21T03:14:47Z") },
      });

      // Act
      const result = await handler(sqsEvent(eventMessage(OMITTED_CREATE_POLICY)), context());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      expect(iam.commandCalls(GetPolicyVersionCommand).map((call) => call.args[0].input)).toEqual([
        { PolicyArn: "arn:aws:iam::111122223333:policy/billing-export", VersionId: "v1" },
      ]);
      const stored = (await deployment.store.reader.listFindings()).items;
      expect(stored.map((finding) => [finding.ruleId, finding.severity, finding.eventId, finding.resource])).toEqual([
        ["policy-grants-full-admin", "CRITICAL", OMITTED_CREATE_POLICY.eventID, "arn:aws:iam::111122223333:policy/billing-export"],
      ]);
      expect(stored[0]).not.toHaveProperty("accountName");
      expect(publishedIds()).toEqual([stored[0]?.id]);
      // The record kept is the one CloudTrail delivered, without the document fetched into it.
      expect((await deployment.store.reader.getFindingDetail(stored[0]!.id))!.events).toEqual([{ eventId: OMITTED_CREATE_POLICY.eventID, record: OMITTED_CREATE_POLICY }]);
    });

    it("reports the omitted document when IAM refuses the read, and logs why", async () => {
      // Prepare
      const deployment = await deploy(monitor);
      const handler = await deployment.evaluate();
      iam.on(GetPolicyVersionCommand).rejects(
        new IAMServiceException({
          name: "AccessDenied",
          $fault: "client",
          $metadata: { httpStatusCode: 403 },
          message: "User: arn:aws:sts::111122223333:assumed-role/vigil-prod-EvaluateRole/vigil-prod-Evaluate is not authorized to perform: iam:GetPolicyVersion",
        }),
      );

      // Act
      const result = await handler(sqsEvent(eventMessage(OMITTED_CREATE_POLICY)), context());

      // Assess
      expect(result).toEqual({ batchItemFailures: [] });
      const stored = (await deployment.store.reader.listFindings()).items;
      expect(stored.map((finding) => [finding.ruleId, finding.eventId])).toEqual([["policy-document-omitted", OMITTED_CREATE_POLICY.eventID]]);
      expect(logs.entries()).toContainEqual(
        expect.objectContaining({ level: "WARN", message: "omitted policy document could not be fetched", reason: expect.stringContaining("AccessDenied") }),
      );
    });
  });
});

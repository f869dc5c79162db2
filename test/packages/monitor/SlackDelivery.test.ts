import { randomUUID } from "node:crypto";
import type { Finding } from "@vigil/core";
import { DeliveryBusyError, SlackDelivery } from "@vigil/monitor";
import { digestPublishInput, formatDigest, SlackDeliveryError, SlackWebhook, snsPublishInput } from "@vigil/notify";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { evaluateValue } from "../../helpers/evaluate.ts";
import { type SlackServer, startSlackServer } from "../notify/slackServer.ts";
import { cloudTrailRecord, snsNotificationBody, TOPIC_ARN, withEventId } from "../../functions/lambdaEvents.ts";
import { type MovableClock, movableClock } from "../store-dynamodb/findingFactory.ts";

const NOW = Date.parse("2026-11-22T12:00:00.000Z");
const USER_CREATED = cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json");

let dynalite: RunningDynalite;
let slack: SlackServer;
let tables = 0;
beforeAll(async () => {
  dynalite = await startDynalite();
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack?.close();
  await dynalite?.close();
});
beforeEach(() => {
  slack.requests.length = 0;
  slack.reply({ status: 200, body: "ok" });
});

/** A store holding one new finding (notified on SNS), and the Slack queue's message body for it. */
async function storedFinding(): Promise<{ store: FindingStore; finding: Finding; body: string; clock: MovableClock }> {
  const tableName = `slack-${++tables}`;
  await ensureFindingsTable(dynalite.client, tableName);
  const clock = movableClock(NOW);
  const store = createFindingStore({ client: dynalite.client, tableName, now: clock.now });
  const [finding] = await evaluateValue(withEventId(USER_CREATED));
  if (!finding) throw new Error("the fixture makes no finding");
  await store.writer.putFindings([finding]);
  return { store, finding, body: snsNotificationBody(snsPublishInput(finding, TOPIC_ARN), randomUUID()), clock };
}

function delivery(store: FindingStore) {
  return new SlackDelivery({ outbox: store.outbox, webhook: () => new SlackWebhook({ url: slack.url, maxAttempts: 1 }) });
}

describe("Class: SlackDelivery", () => {
  it("posts a stored finding once, however often its notification comes", async () => {
    const { store, finding, body } = await storedFinding();
    const subject = delivery(store);

    const first = await subject.deliver(body, "request-1/message-1");
    const again = await subject.deliver(body, "request-2/message-1");

    expect([first.result, again.result]).toEqual(["posted", "already-posted"]);
    expect(first).toMatchObject({ kind: "finding", finding });
    expect(slack.requests).toHaveLength(1);
  });

  it("refuses to post while another invocation holds the Slack lease, then posts once the lease has ended", async () => {
    const { store, finding, body, clock } = await storedFinding();
    await store.outbox.claimDelivery(finding.id, "slack", { owner: "request-0/message-0", leaseMs: 60_000 });
    clock.ms = NOW + 1000;
    const subject = delivery(store);

    const busy = await subject.deliver(body, "request-1/message-1").catch((error: unknown) => error);
    clock.ms = NOW + 61_000;
    const later = await subject.deliver(body, "request-2/message-1");

    expect(busy).toBeInstanceOf(DeliveryBusyError);
    expect(later.result).toBe("posted");
    expect(slack.requests).toHaveLength(1);
  });

  it("gives the lease back and rethrows when Slack fails, so that the next delivery of the message posts it", async () => {
    const { store, finding, body } = await storedFinding();
    const subject = delivery(store);
    slack.reply({ status: 500, body: "" }, { status: 200, body: "ok" });

    const failed = await subject.deliver(body, "request-1/message-1").catch((error: unknown) => error);
    const stateAfterFailure = (await store.outbox.getDeliveries(finding.id))?.slack;
    const retried = await subject.deliver(body, "request-2/message-1");

    expect(failed).toBeInstanceOf(SlackDeliveryError);
    expect(stateAfterFailure).toEqual({ delivered: false, attempts: 1, lastError: expect.stringContaining("HTTP 500") });
    expect(retried.result).toBe("posted");
    expect(slack.requests).toHaveLength(2);
  });

  it("posts a posture digest, which the store does not hold, as a digest message", async () => {
    const { store } = await storedFinding();
    const [created] = await evaluateValue(withEventId(USER_CREATED));
    const digest = formatDigest({ account: "111122223333", region: "us-east-1", runAt: "2026-11-22T06:00:00.000Z", created: [created!], reopened: [], resolved: [], stillOpen: [], skipped: [] });
    const body = snsNotificationBody(digestPublishInput(digest, TOPIC_ARN), randomUUID());

    const outcome = await delivery(store).deliver(body, "request-1/message-1");

    expect(outcome).toEqual({ kind: "digest", account: "111122223333", runAt: "2026-11-22T06:00:00.000Z", result: "posted" });
    expect(slack.requests).toHaveLength(1);
    const posted = JSON.parse(slack.requests[0]?.body ?? "{}") as { text: string };
    expect(posted.text).toBe(`Vigil posture 111122223333: 1 new (highest ${created!.severity}), 0 resolved, 0 still open`);
  });

  it("posts nothing for a finding the store does not hold", async () => {
    const { store } = await storedFinding();
    const [other] = await evaluateValue(withEventId(USER_CREATED));
    const body = snsNotificationBody(snsPublishInput(other!, TOPIC_ARN), randomUUID());

    const outcome = await delivery(store).deliver(body, "request-1/message-1");

    expect(outcome.result).toBe("not-stored");
    expect(slack.requests).toHaveLength(0);
  });
});

import { randomUUID } from "node:crypto";
import { SlackDelivery } from "@vigil/monitor";
import { formatOrganizationDigest, organizationDigestPublishInput, SlackWebhook } from "@vigil/notify";
import { createFindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { postureFinding } from "../../helpers/postureFinding.ts";
import { snsNotificationBody, TOPIC_ARN } from "../../functions/lambdaEvents.ts";
import { type SlackServer, startSlackServer } from "../notify/slackServer.ts";

const dynalite = useDynalite();
let slack: SlackServer;
beforeAll(async () => {
  slack = await startSlackServer();
  slack.reply({ status: 200, body: "ok" });
});
afterAll(async () => {
  await slack?.close();
});

describe("Class: SlackDelivery, organization digest", () => {
  it("posts the organization's digest as a message of its own, naming the accounts not read and the new findings' accounts", async () => {
    // Prepare
    await ensureFindingsTable(dynalite().client, "slack-organization");
    const store = createFindingStore({ client: dynalite().client, tableName: "slack-organization" });
    const created = postureFinding("root-mfa-disabled", "root", { severity: "CRITICAL", account: "200000000008" });
    const digest = formatOrganizationDigest({
      organizationId: "o-a1b2c3d4e5",
      region: "us-east-1",
      runAt: "2026-12-05T06:00:00.000Z",
      inventory: { source: "organizations", refreshedAt: "2026-12-05T06:00:00.000Z" },
      accounts: [{ account: "200000000008", accountName: "workload-8", created: [created], reopened: [], resolved: [], stillOpen: [], skipped: [], problems: [] }],
      notRead: [{ account: "200000000003", accountName: "sandbox <!here>", reason: "role-unavailable", detail: "the audit role could not be assumed" }],
    });
    const body = snsNotificationBody(organizationDigestPublishInput(digest, TOPIC_ARN), randomUUID());
    const delivery = new SlackDelivery({ outbox: store.outbox, webhook: () => new SlackWebhook({ url: slack.url, maxAttempts: 1 }) });

    // Act
    const outcome = await delivery.deliver(body, "request-1/message-1");

    // Assess
    expect(outcome).toEqual({ kind: "digest", account: "o-a1b2c3d4e5", runAt: "2026-12-05T06:00:00.000Z", result: "posted" });
    const posted = slack.requests[0]?.body ?? "";
    expect(JSON.parse(posted).text).toBe("Vigil posture o-a1b2c3d4e5: 1 accounts read, 1 not read");
    expect(posted).toContain("200000000003 (sandbox &lt;!here&gt;): the audit role could not be assumed");
    expect(posted).toContain("200000000008 (workload-8)");
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { captureLogs, deploy, type Deployment, type LocalMonitor, startLocalMonitor } from "./localMonitor.ts";

let monitor: LocalMonitor;
let deployment: Deployment;
beforeAll(async () => {
  monitor = await startLocalMonitor();
  deployment = await deploy(monitor);
});
afterAll(async () => {
  await monitor?.close();
});
beforeEach(() => {
  vi.restoreAllMocks();
  captureLogs();
});

describe("Handlers: start-up", () => {
  it.each([
    ["evaluate", "TOPIC_ARN", undefined, /TOPIC_ARN: /],
    ["evaluate", "STATE_TABLE_NAME", "", /STATE_TABLE_NAME: /],
    ["evaluate", "VIGIL_CONFIG", "{rules:", /VIGIL_CONFIG: not JSON/],
    ["evaluate", "VIGIL_CONFIG", '{"rules":{"no-such-rule":{"enabled":false}}}', /rules\.no-such-rule: unknown rule id/],
    ["retryNotifications", "FINDINGS_TABLE_NAME", undefined, /FINDINGS_TABLE_NAME: /],
    ["notifySlack", "SLACK_WEBHOOK_PARAMETER", "vigil/slack-webhook", /SLACK_WEBHOOK_PARAMETER: /],
    ["api", "CURSOR_SECRET_ARN", "vigil-prod-CursorSecret", /CURSOR_SECRET_ARN: /],
  ] as const)("%s refuses to start when %s is %j, naming it", async (handler, name, value, message) => {
    await expect(deployment[handler]({ [name]: value })).rejects.toThrow(message);
  });
});

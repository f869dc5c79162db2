import { inspect } from "node:util";
import { NotifyError, SlackDeliveryError, SlackRejectedError, SlackWebhook, type SlackWebhookOptions, slackMessage } from "@vigil/notify";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hostileFinding, rootLogin } from "./findings.ts";
import { SECRET_PATH, type SlackServer, startSlackServer } from "./slackServer.ts";

let slack: SlackServer;
beforeAll(async () => {
  slack = await startSlackServer();
});
afterAll(async () => {
  await slack?.close();
});
afterEach(() => {
  slack.requests.length = 0;
  slack.reply({ status: 200, body: "ok" });
});

const payload = slackMessage(hostileFinding());

/** A webhook on the test server whose sleeps are recorded instead of waited. */
function webhook(options: Partial<SlackWebhookOptions> = {}) {
  const sleeps: number[] = [];
  const client = new SlackWebhook({
    url: slack.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options,
  });
  return { client, sleeps };
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error("expected the post to fail");
  return outcome;
}

/** Everything a log line could print of an error: message, stack, JSON, and util.inspect (cause included). */
function printed(error: Error): string {
  return [error.message, error.stack, JSON.stringify(error), inspect(error, { depth: 5, showHidden: true }), String(error.cause)].join("\n");
}

describe("Class: SlackWebhook", () => {
  describe("Method: post", () => {
    it("posts the payload as JSON once when Slack answers 200", async () => {
      // Prepare
      const finding = await rootLogin();
      const { client, sleeps } = webhook();

      // Act
      await client.post(slackMessage(finding));

      // Assess
      expect(slack.requests).toEqual([
        { method: "POST", path: SECRET_PATH, contentType: "application/json; charset=utf-8", body: JSON.stringify(slackMessage(finding)) },
      ]);
      expect(sleeps).toEqual([]);
    });

    it("waits the Retry-After seconds of a 429, then posts again", async () => {
      // Prepare
      slack.reply({ status: 429, headers: { "retry-after": "3" } }, { status: 200, body: "ok" });
      const { client, sleeps } = webhook();

      // Act
      await client.post(payload);

      // Assess
      expect(sleeps).toEqual([3000]);
      expect(slack.requests).toHaveLength(2);
      expect(slack.requests[1]?.body).toBe(slack.requests[0]?.body);
    });

    it("really waits out a short Retry-After with the default sleep", async () => {
      // Prepare
      slack.reply({ status: 429, headers: { "retry-after": "1" } }, { status: 200, body: "ok" });
      const client = new SlackWebhook({ url: slack.url });
      const started = performance.now();

      // Act
      await client.post(payload);

      // Assess
      expect(performance.now() - started).toBeGreaterThanOrEqual(990);
      expect(slack.requests).toHaveLength(2);
    });

    it("leaves a Retry-After longer than the wait budget to redelivery, with a retryable error", async () => {
      // Prepare
      slack.reply({ status: 429, headers: { "retry-after": "120" } });
      const { client, sleeps } = webhook({ maxWaitMs: 10_000 });

      // Act
      const error = await failure(client.post(payload));

      // Assess
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(error).toMatchObject({ retryable: true, status: 429, attempts: 1, retryAfterMs: 120_000 });
      expect(sleeps).toEqual([]);
      expect(slack.requests).toHaveLength(1);
    });

    it("counts waits against the budget across attempts", async () => {
      // Prepare
      slack.reply({ status: 429, headers: { "retry-after": "4" } });
      const { client, sleeps } = webhook({ maxWaitMs: 10_000, maxAttempts: 10 });

      // Act
      const error = await failure(client.post(payload));

      // Assess: 4 s + 4 s fit in 10 s, a third 4 s does not.
      expect(sleeps).toEqual([4000, 4000]);
      expect(error).toMatchObject({ retryable: true, attempts: 3, retryAfterMs: 4000 });
    });

    it("retries a 5xx after an exponential, jittered backoff", async () => {
      // Prepare
      slack.reply({ status: 500, body: "rollup_error" }, { status: 200, body: "ok" });
      const { client, sleeps } = webhook();

      // Act
      await client.post(payload);

      // Assess
      expect(slack.requests).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
      expect(sleeps[0]).toBeGreaterThanOrEqual(250);
      expect(sleeps[0]).toBeLessThanOrEqual(500);
    });

    it("gives up on a 5xx that lasts after maxAttempts with a retryable SlackDeliveryError", async () => {
      // Prepare
      slack.reply({ status: 503, body: "service_unavailable" });
      const { client, sleeps } = webhook({ maxAttempts: 4 });

      // Act
      const error = await failure(client.post(payload));

      // Assess
      expect(slack.requests).toHaveLength(4);
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(error).toMatchObject({ retryable: true, status: 503, attempts: 4 });
      expect(error.message).toBe("Slack webhook failed after 4 attempts: HTTP 503 service_unavailable");
      expect(sleeps).toHaveLength(3);
      sleeps.forEach((ms, index) => {
        const ceiling = 500 * 2 ** index;
        expect(ms).toBeGreaterThanOrEqual(ceiling / 2);
        expect(ms).toBeLessThanOrEqual(ceiling);
      });
    });

    it.each([
      [400, "invalid_payload"],
      [403, "invalid_token"],
      [404, "no_service"],
      [410, "channel_is_archived"],
    ])("does not retry a %i %s: SlackRejectedError, not retryable", async (status, body) => {
      // Prepare
      slack.reply({ status, body });
      const { client, sleeps } = webhook();

      // Act
      const error = await failure(client.post(payload));

      // Assess
      expect(error).toBeInstanceOf(SlackRejectedError);
      expect(error).toMatchObject({ retryable: false, status, slackError: body });
      expect(error.message).toBe(`Slack webhook rejected the message: HTTP ${status} ${body}`);
      expect(slack.requests).toHaveLength(1);
      expect(sleeps).toEqual([]);
    });

    it("retries a dropped connection", async () => {
      // Prepare
      slack.reply({ drop: true }, { status: 200, body: "ok" });
      const { client, sleeps } = webhook();

      // Act
      await client.post(payload);

      // Assess
      expect(slack.requests).toHaveLength(2);
      expect(sleeps).toHaveLength(1);
    });

    it("gives up on an unreachable server with a retryable error naming the network failure", async () => {
      // Prepare
      const gone = await startSlackServer();
      await gone.close();
      const { client } = webhook({ url: gone.url, maxAttempts: 2 });

      // Act
      const error = await failure(client.post(payload));

      // Assess
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(error).toMatchObject({ retryable: true, attempts: 2, status: undefined });
      expect(error.message).toMatch(/^Slack webhook failed after 2 attempts: network error \(TypeError, ECONNREFUSED\)$/);
    });

    it("times out a request Slack never answers", async () => {
      // Prepare
      slack.reply({ hang: true });
      const { client } = webhook({ timeoutMs: 200, maxAttempts: 1 });

      // Act
      const error = await failure(client.post(payload));

      // Assess
      expect(error).toBeInstanceOf(SlackDeliveryError);
      expect(error.message).toBe("Slack webhook failed after 1 attempt: network error (TimeoutError)");
    });

    it("never shows the webhook URL in an error, even when the server echoes it", async () => {
      // Prepare
      const errors: Error[] = [];
      const scenarios: Array<[Parameters<SlackServer["reply"]>, Partial<SlackWebhookOptions>]> = [
        [[{ status: 400, body: `invalid_payload for ${slack.url}` }], {}],
        [[{ status: 404, body: `no_service ${SECRET_PATH}` }], {}],
        [[{ status: 500, body: `rollup_error at ${slack.url}` }], { maxAttempts: 2 }],
        [[{ status: 429, headers: { "retry-after": "600" } }], {}],
        [[{ drop: true }], { maxAttempts: 2 }],
        [[{ hang: true }], { maxAttempts: 1, timeoutMs: 100 }],
      ];
      for (const [replies, options] of scenarios) {
        slack.reply(...replies);
        errors.push(await failure(webhook(options).client.post(payload)));
      }
      const gone = await startSlackServer();
      await gone.close();
      errors.push(await failure(webhook({ url: gone.url, maxAttempts: 1 }).client.post(payload)));

      // Assess
      expect(errors).toHaveLength(7);
      for (const error of errors) {
        const text = printed(error);
        expect(text).not.toContain(SECRET_PATH);
        expect(text).not.toContain("s3cr3tW3bh00kT0k3nXyZ");
      }
      expect(errors[0]).toMatchObject({ slackError: "invalid_payload for [webhook url]" });
    });
  });

  describe("constructor", () => {
    it("refuses a URL that is not http(s) without repeating it", () => {
      for (const url of ["hooks.slack.com/services/T0/B0/s3cr3tW3bh00kT0k3nXyZ", "ftp://hooks.slack.com/services/T0/B0/s3cr3tW3bh00kT0k3nXyZ"]) {
        let error: unknown;
        try {
          new SlackWebhook({ url });
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(NotifyError);
        expect(printed(error as Error)).not.toContain("s3cr3tW3bh00kT0k3nXyZ");
      }
    });

    it("keeps the URL out of the instance's JSON and inspection", () => {
      // Act
      const { client } = webhook();

      // Assess
      expect(JSON.stringify(client)).not.toContain(SECRET_PATH);
      expect(inspect(client, { showHidden: true, depth: 5 })).not.toContain(SECRET_PATH);
    });

    it("refuses maxAttempts below 1", () => {
      expect(() => new SlackWebhook({ url: slack.url, maxAttempts: 0 })).toThrow(NotifyError);
    });
  });
});

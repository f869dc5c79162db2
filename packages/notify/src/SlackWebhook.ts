import { NotifyError, SlackDeliveryError, SlackRejectedError } from "./errors.ts";
import type { SlackPayload } from "./SlackPayload.ts";
import { clip, singleLine } from "./text.ts";

export interface SlackWebhookOptions {
  /** The incoming-webhook URL. A secret: it appears in no error this class throws. */
  url: string;
  fetch?: typeof globalThis.fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Requests per post, the first included. */
  maxAttempts?: number;
  /** Longest total wait between attempts of one post; a longer wait is left to the queue's redelivery. */
  maxWaitMs?: number;
  /** Per request. */
  timeoutMs?: number;
}

const DEFAULTS = { maxAttempts: 4, maxWaitMs: 10_000, timeoutMs: 5_000 } as const;
const BACKOFF_BASE_MS = 500;

type Outcome =
  | { kind: "delivered" }
  | { kind: "rejected"; status: number; slackError: string }
  | { kind: "failed"; status?: number; reason: string; retryAfterMs?: number };

/** Retry-After in whole seconds, as Slack sends it; anything else falls back to backoff. */
function retryAfterMs(header: string | null): number | undefined {
  return header !== null && /^\s*\d+\s*$/.test(header) ? Number(header) * 1000 : undefined;
}

/** Exponential backoff with equal jitter: between half and all of 500 ms × 2^(attempt-1). */
function backoffMs(attempt: number): number {
  const ceiling = BACKOFF_BASE_MS * 2 ** (attempt - 1);
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Names a network failure by error name and code only: a message could quote the URL. */
function networkReason(error: unknown): string {
  const name = error instanceof Error ? error.name : typeof error;
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  return `network error (${typeof code === "string" ? `${name}, ${code}` : name})`;
}

/** Posts messages to a Slack incoming webhook, retrying what may succeed later. */
export class SlackWebhook {
  readonly #url: string;
  readonly #secrets: string[];
  readonly #fetch: typeof globalThis.fetch;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #maxAttempts: number;
  readonly #maxWaitMs: number;
  readonly #timeoutMs: number;

  constructor(options: SlackWebhookOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new NotifyError("Slack webhook url is not a valid URL");
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new NotifyError("Slack webhook url must be http(s)");
    const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new NotifyError("Slack webhook maxAttempts must be an integer of at least 1");
    this.#url = options.url;
    // The path holds the token; a server or library could echo either form.
    this.#secrets = [options.url, url.href, url.pathname].filter((secret) => secret.length > 1);
    this.#fetch = options.fetch ?? globalThis.fetch;
    this.#sleep = options.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    this.#maxAttempts = maxAttempts;
    this.#maxWaitMs = options.maxWaitMs ?? DEFAULTS.maxWaitMs;
    this.#timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  }

  /**
   * Resolves once Slack answers 2xx. Throws SlackRejectedError (not retryable) when Slack refuses
   * the message, SlackDeliveryError (retryable) when attempts or the wait budget run out on
   * 429, 5xx or network errors.
   */
  async post(payload: SlackPayload): Promise<void> {
    const body = JSON.stringify(payload);
    let waited = 0;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#send(body);
      if (outcome.kind === "delivered") return;
      if (outcome.kind === "rejected") throw new SlackRejectedError(outcome.status, outcome.slackError);
      const details = { status: outcome.status, attempts: attempt, retryAfterMs: outcome.retryAfterMs };
      if (attempt >= this.#maxAttempts) {
        throw new SlackDeliveryError(`Slack webhook failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${outcome.reason}`, details);
      }
      const wait = outcome.retryAfterMs ?? backoffMs(attempt);
      if (wait > this.#maxWaitMs - waited) {
        throw new SlackDeliveryError(
          `Slack webhook failed after ${attempt} attempt${attempt === 1 ? "" : "s"}: ${outcome.reason}; the next try is due in ${wait} ms, past the ${this.#maxWaitMs} ms wait budget`,
          details,
        );
      }
      await this.#sleep(wait);
      waited += wait;
    }
  }

  async #send(body: string): Promise<Outcome> {
    let response: Response;
    try {
      response = await this.#fetch(this.#url, {
        method: "POST",
        headers: { "content-type": "application/json; charset=utf-8" },
        body,
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      return { kind: "failed", reason: networkReason(error) };
    }
    let text = "";
    try {
      text = this.#redact(clip(singleLine(await response.text()), 200));
    } catch {
      // The status decides; a body cut off mid-read only loses Slack's error code.
    }
    const { status } = response;
    if (status >= 200 && status < 300) return { kind: "delivered" };
    if (status === 429) return { kind: "failed", status, reason: "HTTP 429 rate limited", retryAfterMs: retryAfterMs(response.headers.get("retry-after")) };
    if (status >= 400 && status < 500) return { kind: "rejected", status, slackError: text };
    return { kind: "failed", status, reason: `HTTP ${status}${text ? ` ${text}` : ""}` };
  }

  #redact(text: string): string {
    return this.#secrets.reduce((result, secret) => result.split(secret).join("[webhook url]"), text);
  }
}

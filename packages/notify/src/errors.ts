import { VigilError } from "@vigil/core";

/** Base class of every error the notification adapters raise. */
export class NotifyError extends VigilError {}

/** SNS refused or failed the Publish call; `cause` carries the SDK error. */
export class SnsPublishError extends NotifyError {
  readonly findingId: string;
  constructor(findingId: string, message: string, options?: { cause?: unknown }) {
    super(`publishing finding ${findingId}: ${message}`, options);
    this.findingId = findingId;
  }
}

/** A finding whose SNS message stays over the Publish size limit even with its bulky fields cut. */
export class MessageTooLargeError extends NotifyError {
  readonly findingId: string;
  readonly bytes: number;
  constructor(findingId: string, bytes: number, limit: number) {
    super(`finding ${findingId}: SNS message is ${bytes} bytes, over the ${limit}-byte limit`);
    this.findingId = findingId;
    this.bytes = bytes;
  }
}

/**
 * A Slack webhook post that failed. Never carries the webhook URL (a secret) or the error behind
 * it (whose text might), only a description: safe to log.
 */
export abstract class SlackError extends NotifyError {
  /** True when the same post may succeed later, so the message should go back to its queue. */
  abstract readonly retryable: boolean;
  readonly status: number | undefined;
  constructor(message: string, status: number | undefined) {
    super(message);
    this.status = status;
  }
}

/** Slack was unreachable, failing (5xx) or rate limiting past the wait budget: redeliver later. */
export class SlackDeliveryError extends SlackError {
  readonly retryable = true;
  readonly attempts: number;
  /** How long Slack asked to wait (429 Retry-After) when that is what stopped the post. */
  readonly retryAfterMs: number | undefined;
  constructor(message: string, options: { status?: number; attempts: number; retryAfterMs?: number }) {
    super(message, options.status);
    this.attempts = options.attempts;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** Slack refused the post (400 invalid_payload, 403, 404 no_service, 410 channel_is_archived): retrying cannot help. */
export class SlackRejectedError extends SlackError {
  readonly retryable = false;
  /** Slack's error code from the response body, e.g. `invalid_payload`. */
  readonly slackError: string;
  constructor(status: number, slackError: string) {
    super(`Slack webhook rejected the message: HTTP ${status}${slackError ? ` ${slackError}` : ""}`, status);
    this.slackError = slackError;
  }
}

/** SNS refused or failed the Publish of a posture digest; `cause` carries the SDK error. */
export class DigestPublishError extends NotifyError {
  readonly account: string;
  constructor(account: string, message: string, options?: { cause?: unknown }) {
    super(`publishing the posture digest of ${account}: ${message}`, options);
    this.account = account;
  }
}

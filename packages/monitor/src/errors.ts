import { VigilError } from "@vigil/core";

/** Base of the monitor's errors: each fails its one message, which the queue then retries or dead-letters. */
export class MonitorError extends VigilError {}

/** A queue message that is not a CloudTrail event Vigil can read; `at` names where in the message. */
export class InvalidMessageError extends MonitorError {
  readonly at: string;
  constructor(at: string, message: string, options?: { cause?: unknown }) {
    super(`${at}: ${message}`, options);
    this.at = at;
  }
}

/** Rules threw on a valid event. Its other findings are stored; the message fails so an operator sees it in the DLQ. */
export class RuleFailuresError extends MonitorError {
  readonly ruleIds: string[];
  constructor(eventId: string, failures: { ruleId: string; error: unknown }[]) {
    super(`event ${eventId}: ${failures.map((f) => `rule ${f.ruleId} failed: ${(f.error as Error)?.message ?? f.error}`).join("; ")}`);
    this.ruleIds = failures.map((f) => f.ruleId);
  }
}

/** Another invocation holds the lease on this delivery; the message is retried after the lease. */
export class DeliveryBusyError extends MonitorError {}

/** An organization inventory the monitor cannot use (one of another organization than it is configured for). */
export class OrganizationInventoryError extends MonitorError {}

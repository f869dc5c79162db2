import type { IAMClient } from "@aws-sdk/client-iam";
import { restoreOmittedPolicy } from "@vigil/aws-iam";
import type { CloudTrailEvent, Engine, Finding } from "@vigil/core";
import type { FindingStore } from "@vigil/store-dynamodb";
import { RuleFailuresError } from "./errors.ts";
import type { DeliveryReport, SnsDelivery } from "./SnsDelivery.ts";

export interface EventEvaluatorOptions {
  engine: Engine;
  store: FindingStore;
  delivery: SnsDelivery;
  /** Reads policy documents CloudTrail omitted; without it the omitted finding stands. */
  iam?: IAMClient;
  now: () => Date;
}

export interface EventOutcome {
  eventId: string;
  eventName: string;
  findings: Finding[];
  /** Findings this delivery stored first; a redelivered event creates none. */
  created: Finding[];
  notifications: DeliveryReport;
  /** The policy document was fetched from IAM because CloudTrail omitted it. */
  policyFetched: boolean;
  policyFetchError?: string;
}

/**
 * One delivered event (read with readEventMessage), end to end: restore an omitted policy document,
 * evaluate, store the findings (only the first delivery creates them, whatever the concurrency)
 * and notify the ones this delivery created.
 */
export class EventEvaluator {
  readonly #options: EventEvaluatorOptions;

  constructor(options: EventEvaluatorOptions) {
    this.#options = options;
  }

  /** `owner` identifies this attempt (e.g. the Lambda request id and message id) for the notification leases. */
  async evaluate(received: CloudTrailEvent, owner: string): Promise<EventOutcome> {
    const { engine, store, delivery, iam, now } = this.#options;
    const restored = iam ? await restoreOmittedPolicy(iam, received) : { event: received, fetched: false };
    const { event } = restored;
    const { findings, failures } = await engine.evaluate(event);
    const { created } = await store.putFindings(findings, { claimFor: { owner, nowMs: now().getTime(), leaseMs: delivery.leaseMs } });
    const notifications = await delivery.deliverClaimed(created, owner);
    // Stored and notified first: a retry of this message then only re-runs the failing rule.
    if (failures.length > 0) throw new RuleFailuresError(event.eventID, failures);
    return {
      eventId: event.eventID,
      eventName: event.eventName,
      findings,
      created,
      notifications,
      policyFetched: restored.fetched,
      ...("error" in restored && restored.error ? { policyFetchError: restored.error.message } : {}),
    };
  }
}

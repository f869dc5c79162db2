import type { RestoredEvent } from "@vigil/aws-iam";
import { type CloudTrailEvent, type Engine, type Finding, omittedPolicyLookup } from "@vigil/core";
import { RuleFailuresError } from "./errors.ts";
import type { InventoryUpdate, OrganizationTracker } from "./OrganizationTracker.ts";
import type { FindingRepository } from "./ports.ts";
import type { DeliveryReport, SnsDelivery } from "./SnsDelivery.ts";

/** restoreOmittedPolicy (@vigil/aws-iam) with its IAM client bound. */
export type PolicyRestorer = (event: CloudTrailEvent) => Promise<RestoredEvent>;

export interface EventEvaluatorOptions {
  engine: Engine;
  store: FindingRepository;
  delivery: SnsDelivery;
  /**
   * Loads what reads the policy documents CloudTrail omitted. Called when the first event that
   * omitted one arrives, so a container that meets none never loads the IAM client; without it the
   * omitted finding stands.
   */
  loadPolicyRestorer?: () => Promise<PolicyRestorer>;
  /**
   * Organization mode: brings the organization's inventory up to date before each event is
   * evaluated; the engine reads its `directory`. Absent: one account.
   */
  organization?: Pick<OrganizationTracker, "track">;
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
  /** Organization mode: what tracking the event did about the inventory, when it did anything. */
  inventory?: InventoryUpdate;
}

/**
 * One delivered event (read with readEventMessage), end to end: restore an omitted policy document,
 * evaluate, store the findings (only the first delivery creates them, whatever the concurrency)
 * and notify the ones this delivery created.
 */
export class EventEvaluator {
  readonly #options: EventEvaluatorOptions;
  #restorer: Promise<PolicyRestorer> | undefined;

  constructor(options: EventEvaluatorOptions) {
    this.#options = options;
  }

  /** `owner` identifies this attempt (e.g. the Lambda request id and message id) for the notification leases. */
  async evaluate(received: CloudTrailEvent, owner: string): Promise<EventOutcome> {
    const { engine, store, delivery, organization } = this.#options;
    const inventory = await organization?.track(received);
    const restored = await this.#restore(received);
    const { event } = restored;
    const { findings, failures } = await engine.evaluate(event);
    // Findings of one event are almost always new: the conditional put alone tells, without a read first.
    // The record kept is the one CloudTrail delivered, before any omitted policy was fetched into it;
    // it is the only one at hand (a threshold rule's earlier events are remembered by id only).
    const sourceEvents = [received];
    const { created } = await store.putFindings(findings, { claimFor: { owner, leaseMs: delivery.leaseMs }, precheck: false, sourceEvents: () => sourceEvents });
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
      ...(restored.error ? { policyFetchError: restored.error.message } : {}),
      ...(inventory ? { inventory } : {}),
    };
  }

  async #restore(event: CloudTrailEvent): Promise<RestoredEvent> {
    const load = this.#options.loadPolicyRestorer;
    if (!load || !omittedPolicyLookup(event)) return { event, fetched: false };
    // A load that failed is tried again by the next event rather than remembered.
    this.#restorer ??= load().catch((error: unknown) => {
      this.#restorer = undefined;
      throw error;
    });
    return (await this.#restorer)(event);
  }
}

import type { ActionIndex } from "../policy/ActionIndex.ts";
import type { ActionResources } from "./ActionResources.ts";
import { arnFitsTemplate } from "./arnTemplate.ts";
import { callAction } from "./callAction.ts";
import { callOutcome, type CallOutcome } from "./callOutcome.ts";
import { type CallContext, callResources } from "./callResources.ts";

/**
 * How much of an unbounded input one action keeps: the first distinct resources, regions and
 * error codes, and counts of the rest. A million calls on a million objects take the memory of a
 * hundred ARNs.
 */
export const KEPT_PER_ACTION = 100;
/** Distinct non-IAM operations kept by name; further ones are only counted (a hostile archive may invent any number). */
export const KEPT_NOT_IAM = 1000;

/** Where error codes past the kept ones are counted. */
export const OTHER_CODES = "(other codes)";

/** One recorded call, as the reader hands it over: the record's fields, unchecked. */
export interface RecordedCall {
  eventSource: string;
  eventName: string;
  /** ISO instant; undefined for a record without one (CloudTrail always writes it; some datasets drop it). */
  eventTime: string | undefined;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  resources?: unknown;
  requestParameters?: unknown;
  context: CallContext;
}

export interface ActionUse {
  service: string;
  action: string;
  count: number;
  /** ISO instants of the first and last call; empty when none of its calls carried an eventTime. */
  first: string;
  last: string;
  /** Resources that fit the action's ARN templates, the first KEPT_PER_ACTION distinct ones, sorted. */
  resources: string[];
  /** Calls on a resource past the kept ones: the resources are not all listed. */
  callsOnOtherResources: number;
  /** Calls where no resource of the action's types could be read from the record. */
  callsWithoutResource: number;
  regions: string[];
  accounts: string[];
  partitions: string[];
  /** For denied and failed calls: error code → count. */
  errorCodes: Record<string, number>;
}

export interface NotIamUse {
  eventSource: string;
  eventName: string;
  count: number;
  first: string;
  last: string;
}

export interface UsageSummary {
  success: ActionUse[];
  denied: ActionUse[];
  failed: ActionUse[];
  notIam: NotIamUse[];
  /** Calls of operations past the KEPT_NOT_IAM kept by name. */
  notIamOther: number;
}

class Bounded {
  readonly values = new Set<string>();
  overflow = 0;
  add(value: string): boolean {
    if (this.values.has(value)) return true;
    if (this.values.size >= KEPT_PER_ACTION) {
      this.overflow++;
      return false;
    }
    this.values.add(value);
    return true;
  }
  sorted(): string[] {
    return [...this.values].sort();
  }
}

class Tally {
  count = 0;
  first = "";
  last = "";
  see(time: string | undefined): void {
    this.count++;
    if (time === undefined) return;
    // ISO instants in UTC compare as text; CloudTrail writes them so.
    if (this.first === "" || time < this.first) this.first = time;
    if (time > this.last) this.last = time;
  }
}

class ActionTally extends Tally {
  readonly resources = new Bounded();
  callsOnOtherResources = 0;
  callsWithoutResource = 0;
  readonly regions = new Bounded();
  readonly accounts = new Bounded();
  readonly partitions = new Bounded();
  readonly errorCodes = new Map<string, number>();

  constructor(
    readonly service: string,
    readonly action: string,
  ) {
    super();
  }

  result(): ActionUse {
    return {
      service: this.service,
      action: this.action,
      count: this.count,
      first: this.first,
      last: this.last,
      resources: this.resources.sorted(),
      callsOnOtherResources: this.callsOnOtherResources,
      callsWithoutResource: this.callsWithoutResource,
      regions: this.regions.sorted(),
      accounts: this.accounts.sorted(),
      partitions: this.partitions.sorted(),
      errorCodes: Object.fromEntries([...this.errorCodes].sort(([a], [b]) => (a < b ? -1 : 1))),
    };
  }
}

/**
 * Gathers one principal's calls while an archive streams past: per outcome and action, counts,
 * first and last time, and a bounded set of resources. Memory grows with the number of distinct
 * actions (bounded by the catalogue), never with the number of records.
 */
export class ActionUsage {
  readonly #actions: ActionIndex;
  readonly #resources: ActionResources;
  readonly #byOutcome: Record<CallOutcome, Map<string, ActionTally>> = { success: new Map(), denied: new Map(), failed: new Map() };
  readonly #notIam = new Map<string, Tally & { eventSource: string; eventName: string }>();
  #notIamOther = 0;

  constructor(actions: ActionIndex, resources: ActionResources) {
    this.#actions = actions;
    this.#resources = resources;
  }

  add(call: RecordedCall): void {
    const mapped = callAction(call.eventSource, call.eventName, this.#actions);
    if (mapped.kind === "not-iam") {
      this.#addNotIam(call);
      return;
    }
    const outcome = callOutcome(call.errorCode, call.errorMessage);
    const key = `${mapped.service}:${mapped.action}`;
    const tallies = this.#byOutcome[outcome];
    let tally = tallies.get(key);
    if (!tally) tallies.set(key, (tally = new ActionTally(mapped.service, mapped.action)));
    tally.see(call.eventTime);
    if (outcome !== "success" && call.errorCode) {
      // Codes are the record's text: past the kept ones, a hostile archive's inventions share one count.
      const code = tally.errorCodes.has(call.errorCode) || tally.errorCodes.size < KEPT_PER_ACTION ? call.errorCode : OTHER_CODES;
      tally.errorCodes.set(code, (tally.errorCodes.get(code) ?? 0) + 1);
    }
    if (call.context.region) tally.regions.add(call.context.region);
    if (call.context.account) tally.accounts.add(call.context.account);
    tally.partitions.add(call.context.partition);

    const templates = this.#resources.arnTemplates(mapped.service, mapped.action) ?? [];
    if (templates.length === 0) return;
    const fitting = callResources(mapped.service, call, call.context).filter((arn) => templates.some((template) => arnFitsTemplate(arn, template)));
    if (fitting.length === 0) tally.callsWithoutResource++;
    let kept = true;
    for (const arn of fitting) kept = tally.resources.add(arn) && kept;
    if (!kept) tally.callsOnOtherResources++;
  }

  #addNotIam(call: RecordedCall): void {
    const key = `${call.eventSource}\u0000${call.eventName}`;
    let tally = this.#notIam.get(key);
    if (!tally) {
      if (this.#notIam.size >= KEPT_NOT_IAM) {
        this.#notIamOther++;
        return;
      }
      this.#notIam.set(key, (tally = Object.assign(new Tally(), { eventSource: call.eventSource, eventName: call.eventName })));
    }
    tally.see(call.eventTime);
  }

  summary(): UsageSummary {
    const sorted = (tallies: Map<string, ActionTally>) => [...tallies.values()].map((tally) => tally.result()).sort(byAction);
    return {
      success: sorted(this.#byOutcome.success),
      denied: sorted(this.#byOutcome.denied),
      failed: sorted(this.#byOutcome.failed),
      notIam: [...this.#notIam.values()]
        .map(({ eventSource, eventName, count, first, last }) => ({ eventSource, eventName, count, first, last }))
        .sort((a, b) => (a.eventSource === b.eventSource ? compare(a.eventName, b.eventName) : compare(a.eventSource, b.eventSource))),
      notIamOther: this.#notIamOther,
    };
  }
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byAction = (a: ActionUse, b: ActionUse): number => (a.service === b.service ? compare(a.action, b.action) : compare(a.service, b.service));

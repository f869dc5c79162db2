import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import type { EventHeader } from "../event/EventHeader.ts";
import { MissingFieldError } from "../event/needField.ts";
import { eventAccount, principalArn } from "../event/principal.ts";
import type { Finding } from "../findings/Finding.ts";
import { findingId } from "../findings/findingId.ts";
import type { AccountPlacement, OrganizationDirectory } from "../organization/OrganizationInventory.ts";
import type { ActionIndex } from "../policy/ActionIndex.ts";
import type { EffectiveConfig } from "../rules/EffectiveConfig.ts";
import { silencesEvent } from "../rules/ignoreMatch.ts";
import type { AnyRule, RuleContext, RuleMatch, SequenceParams, SequenceRule, ThresholdParams, ThresholdRule } from "../rules/Rule.ts";
import { SelectorIndex } from "./selectorIndex.ts";
import { silenceWith } from "./silenceWith.ts";
import type { WindowStore } from "./WindowStore.ts";

export interface EngineOptions {
  rules: readonly AnyRule[];
  config: EffectiveConfig;
  windows: WindowStore;
  /** Injected clock: stamps `detectedAt` and judges whether an ignore entry has expired. */
  now: () => Date;
  actions?: ActionIndex;
  /**
   * Organization mode: the organization as last read, asked once per event so that the caller can
   * swap in a newer inventory without a new engine. Findings then name their account's name and
   * OU path, and the trust rules trust the organization's accounts. Absent (or undefined): one account.
   */
  organization?: () => OrganizationDirectory | undefined;
  /**
   * Run the rules on ignored principals' events too, to hand back what the ignore list silenced
   * (`ignored`). Off by default: it costs the rules' work and, for threshold rules, window writes,
   * which a deployed monitor should not spend on principals it was told to ignore; `vigil scan`
   * turns it on to say how many findings the configuration silenced.
   */
  reportIgnored?: boolean;
}

/** A rule that threw on an event: the event is kept, the error is reported, the other rules still run. */
export interface RuleFailure {
  ruleId: string;
  eventId: string;
  error: unknown;
}

export interface Evaluation {
  findings: Finding[];
  failures: RuleFailure[];
  /** What the configuration's ignore list silenced: findings the rules made for an ignored principal, never to be reported as findings. */
  ignored: Finding[];
}

/** What a threshold or sequence rule made of an event: the finding's events and match. */
interface Made {
  eventIds: string[];
  match: RuleMatch;
}

/**
 * Window keys of ignored principals' events live apart, so that counting what the ignore list
 * silences never adds those events to anyone else's window (they never counted there).
 */
const IGNORED_WINDOW = "ignored\0";

/**
 * A rule that selected the event but could not read what it needs reports that, at its own
 * severity: a security monitor that stays quiet on a record it cannot read fails silent.
 */
function unreadable(event: CloudTrailEvent, error: MissingFieldError): RuleMatch {
  return {
    resource: "unknown",
    key: `unreadable:${error.fields.map((missing) => missing.field).join(",")}`,
    summary: `${event.eventName} by ${principalArn(event)}: Vigil ${error.message}.`,
    details: { missing: error.fields },
  };
}

/** Evaluates validated CloudTrail events against the enabled rules. */
export class Engine {
  readonly #index: SelectorIndex;
  readonly #options: EngineOptions;

  constructor(options: EngineOptions) {
    this.#options = options;
    this.#index = new SelectorIndex(options.rules.filter((rule) => options.config.rules.get(rule.meta.id)?.enabled !== false));
  }

  /** True when some enabled rule may look at this event; lets callers skip work on noise. */
  wants(event: EventHeader): boolean {
    return this.#index.candidates(event).length > 0;
  }

  async evaluate(event: CloudTrailEvent): Promise<Evaluation> {
    const findings: Finding[] = [];
    const failures: RuleFailure[] = [];
    const ignored: Finding[] = [];
    const candidates = this.#index.candidates(event);
    if (candidates.length === 0) return { findings, failures, ignored };

    const { config, windows, now, actions } = this.#options;
    const account = eventAccount(event);
    const organization = this.#options.organization?.();
    const placement = organization?.placement(account);
    for (const rule of candidates) {
      const silenced = this.#ignored(rule.meta.id, event);
      if (silenced && !this.#options.reportIgnored) continue;
      const made = silenced ? ignored : findings;
      const ruleConfig = config.rules.get(rule.meta.id);
      const context: RuleContext<unknown> = {
        params: ruleConfig?.params ?? {},
        settings: config.settings,
        account,
        ...(actions ? { actions } : {}),
        ...(organization ? { organization } : {}),
      };
      try {
        if (rule.kind === "event") {
          const result = rule.evaluate(event, context);
          const matches = result === undefined ? [] : Array.isArray(result) ? result : [result as RuleMatch];
          for (const match of matches) made.push(this.#finding(rule, ruleConfig?.severity, event, [event.eventID], match, now(), placement));
        } else {
          const time = event.eventTime ? Date.parse(event.eventTime) : Number.NaN;
          if (Number.isNaN(time)) continue;
          // Their params were parsed by their own schema, which extends ThresholdParams or SequenceParams.
          const found =
            rule.kind === "threshold"
              ? await this.#threshold(rule, context as RuleContext<ThresholdParams>, event, time, silenced)
              : await this.#sequence(rule, context as RuleContext<SequenceParams>, event, time, silenced);
          if (found) made.push(this.#finding(rule, ruleConfig?.severity, event, found.eventIds, found.match, now(), placement));
        }
      } catch (error) {
        if (error instanceof MissingFieldError) made.push(this.#finding(rule, ruleConfig?.severity, event, [event.eventID], unreadable(event, error), now(), placement));
        else failures.push({ ruleId: rule.meta.id, eventId: event.eventID, error });
      }
    }
    return { findings, failures, ignored };
  }

  async #threshold(rule: ThresholdRule, context: RuleContext<ThresholdParams>, event: CloudTrailEvent, time: number, silenced: boolean): Promise<Made | undefined> {
    const key = rule.key(event, context);
    if (key === undefined) return undefined;
    const { params } = context;
    const threshold = rule.thresholdFor?.(key, params) ?? params.threshold;
    const window = `${silenced ? IGNORED_WINDOW : ""}${rule.meta.id}\0${key}`;
    const ids = await this.#options.windows.record(window, event.eventID, time, params.windowMinutes * 60_000, threshold, rule.distinct?.(event));
    if (!ids) return undefined;
    const match = rule.describe(key, { count: ids.length, last: event }, context);
    return { eventIds: ids, match: { ...match, key: match.key ?? key } };
  }

  async #sequence(rule: SequenceRule, context: RuleContext<SequenceParams>, event: CloudTrailEvent, time: number, silenced: boolean): Promise<Made | undefined> {
    const step = rule.step(event, context);
    if (!step) return undefined;
    const { params } = context;
    // An ignored principal's steps never complete anyone else's sequence (nor theirs one of its).
    const window = `${silenced ? IGNORED_WINDOW : ""}${rule.meta.id}\0${step.key}`;
    const steps = await this.#options.windows.recordStep(window, { id: event.eventID, step: step.step, t: time, summary: step.summary }, params.windowMinutes * 60_000, rule.required);
    if (!steps) return undefined;
    const match = rule.describe(step.key, steps, context);
    return { eventIds: steps.map((seen) => seen.id), match: { ...match, key: match.key ?? step.key } };
  }

  #ignored(ruleId: string, event: CloudTrailEvent): boolean {
    const { ignore } = this.#options.config;
    if (ignore.length === 0) return false;
    // The injected clock, not the event's time: an entry that has expired stops silencing a replayed old event too.
    const now = this.#options.now();
    return ignore.some((rule) => silencesEvent(rule, ruleId, event, now));
  }

  #finding(
    rule: AnyRule,
    configuredSeverity: Finding["severity"] | undefined,
    event: CloudTrailEvent,
    eventIds: string[],
    match: RuleMatch,
    detectedAt: Date,
    placement: AccountPlacement | undefined,
  ): Finding {
    const { meta } = rule;
    // Event findings only: a posture finding names its principal already, and has no call to narrow an entry by.
    const silence = silenceWith(meta.id, event);
    return {
      // Placement stays out of the id: an account moved between OUs, or an inventory read anew
      // between two deliveries of one event, must not turn the same event into a second finding.
      id: findingId(meta.id, eventIds, match.key ?? ""),
      ruleId: meta.id,
      title: meta.title,
      severity: configuredSeverity ?? match.severity ?? meta.severity,
      status: "open",
      eventId: event.eventID,
      ...(eventIds.length > 1 ? { eventIds } : {}),
      eventName: event.eventName,
      eventSource: event.eventSource,
      ...(event.eventTime ? { eventTime: event.eventTime } : {}),
      account: eventAccount(event),
      ...placement,
      region: event.awsRegion ?? "unknown",
      principal: principalArn(event),
      resource: match.resource,
      ...(event.sourceIPAddress ? { sourceIPAddress: event.sourceIPAddress } : {}),
      summary: match.summary,
      description: meta.description,
      remediation: meta.remediation,
      references: meta.references,
      detectedAt: detectedAt.toISOString(),
      ...(match.details ? { details: match.details } : {}),
      ...(silence ? { silenceWith: silence } : {}),
    };
  }
}

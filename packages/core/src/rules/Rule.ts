import type { z } from "zod";
import type { SequenceStep } from "../engine/sequenceState.ts";
import type { CloudTrailEvent } from "../event/CloudTrailEvent.ts";
import type { Reference } from "../findings/Reference.ts";
import type { Severity } from "../findings/Severity.ts";
import type { OrganizationDirectory } from "../organization/OrganizationInventory.ts";
import type { ActionIndex } from "../policy/ActionIndex.ts";

/** What a rule is, for people: shown by `vigil rules`, the README table, and every finding. */
export interface RuleMetadata {
  /** Stable and never reused. */
  id: string;
  title: string;
  severity: Severity;
  description: string;
  remediation: string;
  references: Reference[];
}

/**
 * Which events a rule looks at. The engine indexes on it, and the deployed monitor derives its
 * EventBridge patterns from it, so it must be exact: a rule never sees an event outside its selectors.
 * Every given field must match (AND); a missing field matches anything.
 */
export interface EventSelector {
  eventSource?: string;
  eventNames?: readonly string[];
  /** userIdentity.type values, e.g. `Root`. */
  identityTypes?: readonly string[];
  /** errorCode values the event must carry. */
  errorCodes?: readonly string[];
}

/** What a rule reports about one event (or one window of events). */
export interface RuleMatch {
  summary: string;
  resource: string;
  /** Overrides the rule's default severity for this match (e.g. root login without MFA). */
  severity?: Severity;
  /** Distinguishes several matches of one rule on one event (e.g. two statements). */
  key?: string;
  details?: Record<string, unknown>;
}

/** Settings every rule may read; validated configuration, never code edits. */
export interface RuleSettings {
  /** Accounts a trust policy may name without a finding (the event's own account is always trusted). */
  trustedAccounts: readonly string[];
  /** Group names that count as privileged for `user-added-to-admin-group`. */
  privilegedGroupPatterns: readonly RegExp[];
}

export interface RuleContext<P> {
  params: P;
  settings: RuleSettings;
  /** The account the event belongs to. */
  account: string;
  /** Real IAM action names for wildcard expansion; absent when the caller has none. */
  actions?: ActionIndex;
  /** In organization mode, the organization the monitor watches: its accounts are the zone of trust. Absent in single-account mode. */
  organization?: OrganizationDirectory;
}

interface RuleBase<P> {
  meta: RuleMetadata;
  selectors: readonly EventSelector[];
  /** Extra per-rule parameters with defaults; the config file's keys for this rule are validated against it. */
  params?: z.ZodType<P>;
}

/** Looks at one event at a time. */
export interface EventRule<P = Record<string, never>> extends RuleBase<P> {
  kind: "event";
  evaluate(event: CloudTrailEvent, context: RuleContext<P>): RuleMatch | readonly RuleMatch[] | undefined;
}

export interface ThresholdParams {
  threshold: number;
  windowMinutes: number;
}

/**
 * Counts matching events per key in a sliding window and fires once when the count reaches
 * the threshold; the window then starts again, so a long attack yields one finding per burst.
 */
export interface ThresholdRule<P extends ThresholdParams = ThresholdParams> extends RuleBase<P> {
  kind: "threshold";
  params: z.ZodType<P>;
  /** The key events are counted under (a user, an IP), or undefined when the event does not count. */
  key(event: CloudTrailEvent, context: RuleContext<P>): string | undefined;
  describe(key: string, events: { count: number; last: CloudTrailEvent }, context: RuleContext<P>): RuleMatch;
  /**
   * What makes two events of one key count once (e.g. the API called, so that a sweep of many
   * different calls fires and one call repeated does not). Every event counts when absent.
   */
  distinct?(event: CloudTrailEvent): string;
  /** The count that fires this key's window; `params.threshold` when absent (1: one event is a burst of its own). */
  thresholdFor?(key: string, params: P): number;
}

export interface SequenceParams {
  windowMinutes: number;
}

/** What a sequence rule reads from one event: which resource's sequence it belongs to and which step it is. */
export interface SequenceStepMatch {
  /** The resource the steps are joined on, e.g. the ARN of the user or role created. */
  key: string;
  step: string;
  /** How the finding names this step, without the event at hand. */
  summary: string;
}

/**
 * Steps on one resource within a window: fires once, when every `required` step has been seen,
 * naming every step seen by then (the optional ones too). The steps are kept in the WindowStore, so
 * they may arrive in any order, in different batches and different invocations.
 */
export interface SequenceRule<P extends SequenceParams = SequenceParams> extends RuleBase<P> {
  kind: "sequence";
  params: z.ZodType<P>;
  required: readonly string[];
  step(event: CloudTrailEvent, context: RuleContext<P>): SequenceStepMatch | undefined;
  describe(key: string, steps: readonly SequenceStep[], context: RuleContext<P>): RuleMatch;
}

// The registry holds rules of every parameter type, so the parameter type is erased here.
export type AnyRule = EventRule<any> | ThresholdRule<any> | SequenceRule<any>;

/** Helper that keeps a rule's parameter type inferred from its schema. */
export function defineRule<P>(rule: EventRule<P>): EventRule<P>;
export function defineRule<P extends ThresholdParams>(rule: ThresholdRule<P>): ThresholdRule<P>;
export function defineRule<P extends SequenceParams>(rule: SequenceRule<P>): SequenceRule<P>;
export function defineRule(rule: AnyRule): AnyRule {
  return rule;
}

import type { AnyRule, EventSelector } from "@vigil/core";
import { EventPatternError } from "./errors.ts";

/**
 * EventBridge rules derived from the rule catalogue, never kept by hand: every selector of every
 * rule is served by a pattern, and selectors of one source are merged so the monitor needs a
 * handful of rules (300 per bus are allowed) with patterns under the 2,048-character limit.
 */

const DETAIL_TYPES = {
  apiCall: "AWS API Call via CloudTrail",
  signIn: "AWS Console Sign In via CloudTrail",
  consoleAction: "AWS Console Action via CloudTrail",
} as const;

/**
 * `ENABLED` rules never see read-only management events (calls named Describe*, Get*, List*, see
 * readOnlyForEventBridge); only rules in the other state do.
 */
export type RuleState = "ENABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/** EventBridge's name for the events of each service the catalogue selects. */
const SERVICES: Readonly<Record<string, { source: string; detailType: string }>> = {
  "iam.amazonaws.com": { source: "aws.iam", detailType: DETAIL_TYPES.apiCall },
  "sts.amazonaws.com": { source: "aws.sts", detailType: DETAIL_TYPES.apiCall },
  "signin.amazonaws.com": { source: "aws.signin", detailType: DETAIL_TYPES.signIn },
  "cloudtrail.amazonaws.com": { source: "aws.cloudtrail", detailType: DETAIL_TYPES.apiCall },
  "organizations.amazonaws.com": { source: "aws.organizations", detailType: DETAIL_TYPES.apiCall },
  // EventBridge names a CloudTrail service's events `aws.` + the event source's prefix (its events
  // reference lists e.g. aws.sso-oauth for sso-oauth.amazonaws.com), all as API calls.
  "sso.amazonaws.com": { source: "aws.sso", detailType: DETAIL_TYPES.apiCall },
  "sso-directory.amazonaws.com": { source: "aws.sso-directory", detailType: DETAIL_TYPES.apiCall },
  "rolesanywhere.amazonaws.com": { source: "aws.rolesanywhere", detailType: DETAIL_TYPES.apiCall },
};

/** A selector with no event source can match any CloudTrail event a principal causes. */
const ANY_SOURCE_DETAIL_TYPES = [DETAIL_TYPES.apiCall, DETAIL_TYPES.signIn, DETAIL_TYPES.consoleAction];

/** EventBridge's limit on a pattern's size, in characters. */
export const MAX_PATTERN_LENGTH = 2048;

/** The JSON EventBridge takes, in the subset Vigil emits: lists of exact strings. */
export interface CloudTrailEventPattern {
  source?: string[];
  "detail-type": string[];
  detail: {
    eventSource?: string[];
    eventName?: string[];
    userIdentity?: { type: string[] };
    errorCode?: string[];
  };
}

export interface DerivedPattern {
  /** Stable, for construct ids: `iam`, `signin`, `any-root`, `any-errors`. */
  id: string;
  state: RuleState;
  pattern: CloudTrailEventPattern;
  /** The rules whose selectors this pattern serves. */
  ruleIds: string[];
}

/** One selector, normalised: sorted lists, absent meaning any. */
interface Route {
  eventSource: string | undefined;
  eventNames: string[] | undefined;
  identityTypes: string[] | undefined;
  errorCodes: string[] | undefined;
  allManagementEvents: boolean;
  ruleIds: Set<string>;
}

const LIST_FIELDS = ["eventNames", "identityTypes", "errorCodes"] as const;

/** What routing needs of a rule: its id and selectors. Organization mode routes membership events this way too, with no rule behind them. */
export type RoutedSelectors = { meta: Pick<AnyRule["meta"], "id">; selectors: readonly EventSelector[] };

/** The patterns that deliver every event the given rules select. */
export function deriveEventPatterns(rules: readonly RoutedSelectors[]): DerivedPattern[] {
  let routes = prune(rules.flatMap((rule) => rule.selectors.map((selector) => toRoute(rule, selector))));
  // Merging event names can make a merged route cover another, so prune again until stable.
  for (;;) {
    const merged = prune(mergeByShape(routes));
    if (merged.length === routes.length) break;
    routes = merged;
  }
  const patterns = routes.flatMap(toPatterns);
  const ids = patterns.map((pattern) => pattern.id);
  const duplicate = ids.find((id, index) => ids.indexOf(id) !== index);
  if (duplicate) throw new EventPatternError(`two patterns would share the id "${duplicate}"`);
  return patterns.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Named like reads but delivered as changes, as the EventBridge User Guide lists them ("Receiving
 * read-only management events from AWS services").
 */
const CHANGE_EVENTS_NAMED_LIKE_READS: ReadonlySet<string> = new Set(["GetFederationToken", "GetSessionToken"]);

/**
 * Whether EventBridge treats a CloudTrail event of this name as a read-only management event, which
 * only rules in the state ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS receive.
 */
export function readOnlyForEventBridge(eventName: string): boolean {
  return /^(Describe|Get|List)/.test(eventName) && !CHANGE_EVENTS_NAMED_LIKE_READS.has(eventName);
}

function toRoute(rule: RoutedSelectors, selector: EventSelector): Route {
  const { eventSource } = selector;
  if (eventSource !== undefined && !SERVICES[eventSource]) {
    throw new EventPatternError(
      `rule ${rule.meta.id} selects events of ${eventSource}, whose EventBridge source is not known: add it to SERVICES in stacks/eventPatterns.ts`,
    );
  }
  const list = (values: readonly string[] | undefined) => (values ? [...new Set(values)].sort() : undefined);
  const eventNames = list(selector.eventNames);
  return {
    eventSource,
    eventNames,
    identityTypes: list(selector.identityTypes),
    errorCodes: list(selector.errorCodes),
    // Without event names, the selector takes in read-only calls too (root's or a denied List*).
    allManagementEvents: eventNames === undefined || eventNames.some(readOnlyForEventBridge),
    ruleIds: new Set([rule.meta.id]),
  };
}

/** Every event `narrow` selects, `broad` selects too, and `broad` is delivered at least as often. */
function covers(broad: Route, narrow: Route): boolean {
  if (broad.eventSource !== undefined && broad.eventSource !== narrow.eventSource) return false;
  if (narrow.allManagementEvents && !broad.allManagementEvents) return false;
  return LIST_FIELDS.every((field) => {
    const wide = broad[field];
    const small = narrow[field];
    return wide === undefined || (small !== undefined && small.every((value) => wide.includes(value)));
  });
}

/** Drops routes another route covers, keeping their rule ids on the survivor. */
function prune(routes: readonly Route[]): Route[] {
  const kept: Route[] = [];
  for (const route of routes) {
    const cover = kept.find((candidate) => covers(candidate, route));
    if (cover) {
      for (const id of route.ruleIds) cover.ruleIds.add(id);
      continue;
    }
    for (const covered of kept.filter((candidate) => covers(route, candidate))) {
      for (const id of covered.ruleIds) route.ruleIds.add(id);
      kept.splice(kept.indexOf(covered), 1);
    }
    kept.push(route);
  }
  return kept;
}

/** Routes that differ only in their event names become one, with the union of the names. */
function mergeByShape(routes: readonly Route[]): Route[] {
  const byShape = new Map<string, Route>();
  for (const route of routes) {
    const shape = JSON.stringify([route.eventSource, route.identityTypes, route.errorCodes, route.allManagementEvents]);
    const existing = byShape.get(shape);
    if (!existing) {
      byShape.set(shape, { ...route, ruleIds: new Set(route.ruleIds) });
      continue;
    }
    existing.eventNames =
      existing.eventNames && route.eventNames ? [...new Set([...existing.eventNames, ...route.eventNames])].sort() : undefined;
    for (const id of route.ruleIds) existing.ruleIds.add(id);
  }
  return [...byShape.values()];
}

function routeId(route: Route): string {
  const parts = [route.eventSource?.split(".")[0] ?? "any", ...(route.identityTypes ?? []).map((type) => type.toLowerCase())];
  if (route.errorCodes) parts.push("errors");
  if (route.eventSource && route.allManagementEvents) parts.push("reads");
  return parts.join("-");
}

function buildPattern(route: Route, eventNames: string[] | undefined): CloudTrailEventPattern {
  const service = route.eventSource ? SERVICES[route.eventSource] : undefined;
  return {
    ...(service ? { source: [service.source] } : {}),
    "detail-type": service ? [service.detailType] : [...ANY_SOURCE_DETAIL_TYPES],
    detail: {
      ...(route.eventSource ? { eventSource: [route.eventSource] } : {}),
      ...(eventNames ? { eventName: eventNames } : {}),
      ...(route.identityTypes ? { userIdentity: { type: route.identityTypes } } : {}),
      ...(route.errorCodes ? { errorCode: route.errorCodes } : {}),
    },
  };
}

/** One pattern per route, split into several by event name when it would exceed EventBridge's limit. */
function toPatterns(route: Route): DerivedPattern[] {
  const base = routeId(route);
  const state: RuleState = route.allManagementEvents ? "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS" : "ENABLED";
  const ruleIds = [...route.ruleIds].sort();
  const chunks = splitToFit(route, route.eventNames);
  return chunks.map((pattern, index) => ({ id: chunks.length === 1 ? base : `${base}-${index + 1}`, state, pattern, ruleIds }));
}

function splitToFit(route: Route, eventNames: string[] | undefined): CloudTrailEventPattern[] {
  const pattern = buildPattern(route, eventNames);
  if (JSON.stringify(pattern).length <= MAX_PATTERN_LENGTH) return [pattern];
  if (!eventNames || eventNames.length < 2) {
    throw new EventPatternError(`the pattern for ${[...route.ruleIds].join(", ")} exceeds ${MAX_PATTERN_LENGTH} characters`);
  }
  const half = Math.ceil(eventNames.length / 2);
  return [...splitToFit(route, eventNames.slice(0, half)), ...splitToFit(route, eventNames.slice(half))];
}

import { type AnyRule, catalogue, defineRule, type EventSelector, matchesSelector } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { patternsFor } from "../../stacks/cloudTrailRules.ts";
import { EventPatternError } from "../../stacks/errors.ts";
import {
  type DerivedPattern,
  deriveEventPatterns,
  MAX_PATTERN_LENGTH,
  readOnlyForEventBridge,
} from "../../stacks/eventPatterns.ts";
import { parseStageConfig } from "../../stacks/stageConfig.ts";
import { loadFixture, ruleFixtures } from "../helpers/fixtures.ts";
import { matchesPattern } from "./eventPatternMatcher.ts";

const ALL_MANAGEMENT_EVENTS = "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

/** CloudTrail's eventType and the detail-type EventBridge gives it. */
const DETAIL_TYPE_OF: Record<string, string> = {
  AwsApiCall: "AWS API Call via CloudTrail",
  AwsConsoleSignIn: "AWS Console Sign In via CloudTrail",
  AwsConsoleAction: "AWS Console Action via CloudTrail",
};

interface BusEvent {
  "detail-type": string;
  source: string;
  detail: { eventSource: string; eventName: string; userIdentity: { type: string }; errorCode?: string };
}

/** A record as the default bus carries it: `source` is `aws.` and the service's prefix. */
function onTheBus(record: BusEvent["detail"] & { eventType?: string }): BusEvent {
  const detailType = DETAIL_TYPE_OF[record.eventType ?? "AwsApiCall"];
  if (!detailType) throw new Error(`no EventBridge detail-type for eventType ${record.eventType}`);
  return { "detail-type": detailType, source: `aws.${record.eventSource.split(".")[0]}`, detail: record };
}

/** The bus events of a fixture: EventBridge envelopes as recorded, bare records and log files wrapped. */
function busEvents(value: unknown): BusEvent[] {
  if (Array.isArray(value)) return value.flatMap(busEvents);
  const object = value as Record<string, unknown>;
  if (Array.isArray(object.Records)) return object.Records.map((record) => onTheBus(record as BusEvent["detail"]));
  if ("detail-type" in object) return [object as unknown as BusEvent];
  return [onTheBus(object as unknown as BusEvent["detail"])];
}

/** The patterns EventBridge would deliver the event to: read-only calls only reach rules that ask for them. */
function deliveredBy(patterns: readonly DerivedPattern[], event: BusEvent): DerivedPattern[] {
  return patterns.filter(
    (derived) =>
      matchesPattern(derived.pattern, event) && (derived.state === ALL_MANAGEMENT_EVENTS || !readOnlyForEventBridge(event.detail.eventName)),
  );
}

/** The detail-type each selected service's events carry, as the fixtures' recorded envelopes show. */
const SERVICE_DETAIL_TYPE: Record<string, string> = {
  "iam.amazonaws.com": "AWS API Call via CloudTrail",
  "sts.amazonaws.com": "AWS API Call via CloudTrail",
  "cloudtrail.amazonaws.com": "AWS API Call via CloudTrail",
  "organizations.amazonaws.com": "AWS API Call via CloudTrail",
  "sso.amazonaws.com": "AWS API Call via CloudTrail",
  "sso-directory.amazonaws.com": "AWS API Call via CloudTrail",
  "rolesanywhere.amazonaws.com": "AWS API Call via CloudTrail",
  "signin.amazonaws.com": "AWS Console Sign In via CloudTrail",
};

/**
 * Every event a selector can select, up to what the patterns can tell apart: patterns only list
 * exact strings, so each listed value plus one value no pattern mentions (and an absent error code)
 * stands for all the values of a field.
 */
function cornerEvents(selector: EventSelector): BusEvent[] {
  const sources = selector.eventSource ? [selector.eventSource] : ["example.amazonaws.com"];
  const events: BusEvent[] = [];
  for (const eventSource of sources) {
    const detailTypes = selector.eventSource
      ? [SERVICE_DETAIL_TYPE[eventSource] ?? "unknown"]
      : Object.values(DETAIL_TYPE_OF);
    for (const detailType of detailTypes) {
      for (const eventName of selector.eventNames ?? ["ExampleChange", "ListExamples"]) {
        for (const type of selector.identityTypes ?? ["ExampleIdentity"]) {
          for (const errorCode of selector.errorCodes ?? [undefined, "ExampleError"]) {
            events.push({
              "detail-type": detailType,
              source: `aws.${eventSource.split(".")[0]}`,
              detail: { eventSource, eventName, userIdentity: { type }, ...(errorCode ? { errorCode } : {}) },
            });
          }
        }
      }
    }
  }
  return events;
}

describe("deriveEventPatterns", () => {
  const patterns = deriveEventPatterns(catalogue);

  it("delivers every event of every rule's positive fixtures that the rule selects, as the default bus carries it", () => {
    for (const rule of catalogue) {
      const selected = ruleFixtures(rule.meta.id)
        .positive.flatMap((file) => busEvents(loadFixture(file)))
        .filter((event) => rule.selectors.some((selector) => matchesSelector(event.detail, selector)));
      expect(selected.length, `${rule.meta.id} has positive fixtures its selectors select`).toBeGreaterThan(0);
      for (const event of selected) {
        expect(deliveredBy(patterns, event), `${rule.meta.id}: ${event.detail.eventSource} ${event.detail.eventName}`).not.toEqual([]);
      }
    }
  });

  it("covers every selector of every rule: each event a selector can select reaches some pattern", () => {
    for (const rule of catalogue) {
      for (const selector of rule.selectors) {
        for (const event of cornerEvents(selector)) {
          expect(deliveredBy(patterns, event), `${rule.meta.id}: ${JSON.stringify(event)}`).not.toEqual([]);
        }
      }
    }
  });

  it("routes no event that no rule selects", () => {
    const quiet: BusEvent[] = [
      onTheBus({ eventSource: "ec2.amazonaws.com", eventName: "RunInstances", userIdentity: { type: "IAMUser" } }),
      onTheBus({ eventSource: "iam.amazonaws.com", eventName: "SimulatePrincipalPolicy", userIdentity: { type: "AssumedRole" } }),
      onTheBus({ eventSource: "s3.amazonaws.com", eventName: "ListBuckets", userIdentity: { type: "AssumedRole" } }),
      onTheBus({ eventSource: "iam.amazonaws.com", eventName: "TagRole", userIdentity: { type: "AssumedRole" } }),
      onTheBus({ eventSource: "sts.amazonaws.com", eventName: "GetFederationToken", userIdentity: { type: "AssumedRole" } }),
      onTheBus({ eventSource: "signin.amazonaws.com", eventName: "CheckMfa", userIdentity: { type: "IAMUser" }, eventType: "AwsConsoleSignIn" }),
    ];
    for (const event of quiet) {
      expect(catalogue.some((rule) => rule.selectors.some((selector) => matchesSelector(event.detail, selector)))).toBe(false);
      expect(deliveredBy(patterns, event), event.detail.eventName).toEqual([]);
    }
    // Their selected neighbours are routed, each by one pattern.
    const created = onTheBus({ eventSource: "iam.amazonaws.com", eventName: "CreateUser", userIdentity: { type: "AssumedRole" } });
    expect(deliveredBy(patterns, created).map((derived) => derived.id)).toEqual(["iam"]);
    const federation = onTheBus({ eventSource: "sts.amazonaws.com", eventName: "GetFederationToken", userIdentity: { type: "IAMUser" } });
    expect(deliveredBy(patterns, federation).map((derived) => derived.id)).toEqual(["sts-iamuser"]);
  });

  it("asks for read-only management events exactly where a pattern can match one: root, denied calls, key checks and sign-in tokens", () => {
    for (const derived of patterns) {
      const names = derived.pattern.detail.eventName;
      const canMatchReads = names === undefined || names.some(readOnlyForEventBridge);
      expect(derived.state, derived.id).toBe(canMatchReads ? ALL_MANAGEMENT_EVENTS : "ENABLED");
    }
    const root = patterns.filter((derived) => derived.ruleIds.includes("root-activity"));
    expect(root.map((derived) => [derived.state, derived.pattern])).toEqual([
      [ALL_MANAGEMENT_EVENTS, expect.objectContaining({ detail: { userIdentity: { type: ["Root"] } } })],
    ]);
    const denied = patterns.filter((derived) => derived.ruleIds.includes("unauthorized-api-calls"));
    expect(denied.map((derived) => derived.state)).toEqual([ALL_MANAGEMENT_EVENTS]);
    // A read-only denial, the bulk of an enumeration attempt, would otherwise never arrive.
    const deniedList = onTheBus({ eventSource: "s3.amazonaws.com", eventName: "ListBuckets", userIdentity: { type: "IAMUser" }, errorCode: "AccessDenied" });
    expect(deliveredBy(patterns, deniedList)).toEqual(denied);
    // A scanner's key check is a read-only GetCallerIdentity; GetSigninToken is named like a read.
    const keyCheck = onTheBus({ eventSource: "sts.amazonaws.com", eventName: "GetCallerIdentity", userIdentity: { type: "IAMUser" } });
    expect(deliveredBy(patterns, keyCheck).map((derived) => [derived.id, derived.state])).toEqual([["sts-reads", ALL_MANAGEMENT_EVENTS]]);
    const signinToken = onTheBus({ eventSource: "signin.amazonaws.com", eventName: "GetSigninToken", userIdentity: { type: "FederatedUser" }, eventType: "AwsConsoleSignIn" });
    expect(deliveredBy(patterns, signinToken).map((derived) => [derived.id, derived.state])).toEqual([["signin-reads", ALL_MANAGEMENT_EVENTS]]);
  });

  it("merges the selectors of one source into one pattern, each within EventBridge's size limit", () => {
    const shapes = patterns.map((derived) =>
      JSON.stringify([derived.pattern.source, derived.pattern.detail.userIdentity, derived.pattern.detail.errorCode, derived.state]),
    );
    expect(new Set(shapes).size).toBe(shapes.length);
    // IAM's changes and its reads (iam-enumeration) differ only in the rule state reads need.
    expect(patterns.filter((derived) => derived.pattern.source?.includes("aws.iam")).map((derived) => [derived.id, derived.state])).toEqual([
      ["iam", "ENABLED"],
      ["iam-reads", ALL_MANAGEMENT_EVENTS],
    ]);
    for (const derived of patterns) expect(JSON.stringify(derived.pattern).length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    expect(new Set(patterns.map((derived) => derived.id)).size).toBe(patterns.length);
    // Every rule is served by some pattern.
    expect(new Set(patterns.flatMap((derived) => derived.ruleIds))).toEqual(new Set(catalogue.map((rule) => rule.meta.id)));
  });

  it("splits a pattern that would exceed the size limit into several that together keep every event name", () => {
    const names = Array.from({ length: 120 }, (_, index) => `CreateSomethingWithAVeryLongName${String(index).padStart(3, "0")}`);
    const wide = rule("many-names", [{ eventSource: "iam.amazonaws.com", eventNames: names }]);
    const split = deriveEventPatterns([wide]);
    expect(split.length).toBeGreaterThan(1);
    expect(split.map((derived) => derived.id)).toEqual(split.map((_, index) => `iam-${index + 1}`));
    for (const derived of split) expect(JSON.stringify(derived.pattern).length).toBeLessThanOrEqual(MAX_PATTERN_LENGTH);
    expect(split.flatMap((derived) => derived.pattern.detail.eventName ?? []).sort()).toEqual([...names].sort());
  });

  it("refuses a rule whose event source it cannot name on the bus, naming the rule", () => {
    const unknown = rule("example-rule", [{ eventSource: "example.amazonaws.com", eventNames: ["DoThing"] }]);
    expect(() => deriveEventPatterns([unknown])).toThrow(EventPatternError);
    expect(() => deriveEventPatterns([unknown])).toThrow(/example-rule selects events of example\.amazonaws\.com/);
  });

  it("routes only the rules a stage leaves enabled", () => {
    const readers = ["root-activity", "unauthorized-api-calls", "leaked-key-validation", "console-session-from-access-keys", "iam-enumeration"];
    const config = parseStageConfig({ rules: Object.fromEntries(readers.map((id) => [id, { enabled: false }])) }, "dev", catalogue);
    const enabled = patternsFor(config);
    expect(enabled.some((derived) => derived.state === ALL_MANAGEMENT_EVENTS)).toBe(false);
    // The root's console sign-in still arrives, through the sign-in pattern.
    const rootLogin = loadFixture<BusEvent>("rules/root-console-login/positive-with-mfa-eventbridge.json");
    expect(deliveredBy(enabled, rootLogin).map((derived) => derived.id)).toEqual(["signin"]);
  });
});

function rule(id: string, selectors: EventSelector[]): AnyRule {
  return defineRule({
    kind: "event",
    meta: { id, title: id, severity: "LOW", description: id, remediation: id, references: [] },
    selectors,
    evaluate: () => undefined,
  });
}

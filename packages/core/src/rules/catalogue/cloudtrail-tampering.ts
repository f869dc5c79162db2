import type { CloudTrailEvent } from "../../event/CloudTrailEvent.ts";
import { need, needRequest } from "../../event/needField.ts";
import { eventAccount, principalArn, requestString, responseString, succeeded } from "../../event/principal.ts";
import { atLeast, type Severity } from "../../findings/Severity.ts";
import { ATTACK, CIS } from "../references.ts";
import { defineRule } from "../Rule.ts";

interface Reduction {
  what: string;
  severity: Severity;
}

/** UpdateTrail request flags that, set to false, take events out of the trail. */
const UPDATE_TRAIL_REDUCTIONS: readonly [key: string, reduction: Reduction][] = [
  ["isMultiRegionTrail", { what: "it now logs its home region only", severity: "HIGH" }],
  ["includeGlobalServiceEvents", { what: "it no longer logs global services such as IAM and STS", severity: "HIGH" }],
  ["isOrganizationTrail", { what: "it no longer logs the organization's member accounts", severity: "HIGH" }],
  ["enableLogFileValidation", { what: "log file validation is off, so altered or deleted log files go unnoticed", severity: "MEDIUM" }],
];

/** What one selector records of management events. */
interface ManagementCoverage {
  reads: boolean;
  writes: boolean;
  excludedSources: string[];
}

const objects = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null) : [];
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : []);
const isFalse = (value: unknown): boolean => value === false || value === "false";

/** Basic selectors: includeManagementEvents and readWriteType default to true and All when omitted. */
function basicCoverage(selector: Record<string, unknown>): ManagementCoverage | undefined {
  if (isFalse(selector.includeManagementEvents)) return undefined;
  const type = selector.readWriteType;
  return {
    reads: type !== "WriteOnly",
    writes: type !== "ReadOnly",
    excludedSources: strings(selector.excludeManagementEventSources),
  };
}

/** Advanced selectors record management events only when eventCategory equals Management. */
function advancedCoverage(selector: Record<string, unknown>): ManagementCoverage | undefined {
  const fields = objects(selector.fieldSelectors);
  const field = (name: string) => fields.find((entry) => entry.field === name);
  if (!strings(field("eventCategory")?.equals).includes("Management")) return undefined;
  const readOnly = field("readOnly");
  const logs = (value: "true" | "false") => {
    const equals = strings(readOnly?.equals);
    return (equals.length === 0 || equals.includes(value)) && !strings(readOnly?.notEquals).includes(value);
  };
  return {
    reads: logs("true"),
    writes: logs("false"),
    excludedSources: strings(field("eventSource")?.notEquals),
  };
}

/** Judges the selectors as a whole: an event is logged when any selector records it. */
function selectorReductions(event: CloudTrailEvent): Reduction[] {
  const params = event.requestParameters ?? {};
  const coverage = Array.isArray(params.advancedEventSelectors)
    ? objects(params.advancedEventSelectors).map(advancedCoverage)
    : Array.isArray(params.eventSelectors)
      ? objects(params.eventSelectors).map(basicCoverage)
      : undefined;
  if (!coverage) return [];
  const management = coverage.filter((entry): entry is ManagementCoverage => entry !== undefined);
  const reads = management.some((entry) => entry.reads);
  const writes = management.some((entry) => entry.writes);
  if (!reads && !writes) return [{ what: "it no longer logs management events", severity: "HIGH" }];

  const reductions: Reduction[] = [];
  if (!writes) reductions.push({ what: "it no longer logs write management events", severity: "HIGH" });
  if (!reads) reductions.push({ what: "it no longer logs read-only management events", severity: "MEDIUM" });
  const excluded = new Set([...excludedFrom(management.filter((entry) => entry.reads)), ...excludedFrom(management.filter((entry) => entry.writes))]);
  if (excluded.size > 0) reductions.push({ what: `it no longer logs all management events from ${[...excluded].join(", ")}`, severity: "MEDIUM" });
  return reductions;
}

/** Sources none of these selectors log: those every one of them excludes. */
function excludedFrom(selectors: readonly ManagementCoverage[]): string[] {
  const [first, ...rest] = selectors;
  return (first?.excludedSources ?? []).filter((source) => rest.every((entry) => entry.excludedSources.includes(source)));
}

function updateTrailReductions(event: CloudTrailEvent): Reduction[] {
  return UPDATE_TRAIL_REDUCTIONS.filter(([key]) => isFalse(event.requestParameters?.[key])).map(([, reduction]) => reduction);
}

/** The trail's ARN: from the response when AWS gives it, else from the request (a name or an ARN). */
function trailArn(event: CloudTrailEvent): string {
  const fromResponse = responseString(event, "trailARN");
  if (fromResponse) return fromResponse;
  const name = need(event, ["responseElements.trailARN", `requestParameters.${event.eventName === "PutEventSelectors" ? "trailName" : "name"}`], "which trail was changed");
  return name.startsWith("arn:") ? name : `arn:aws:cloudtrail:${event.awsRegion ?? "unknown"}:${eventAccount(event)}:trail/${name}`;
}

/**
 * Stopping or deleting a trail is CRITICAL: whatever follows in the account is no longer recorded, and
 * when this is the trail Vigil reads, this finding is the last one it can make. Narrowing what a trail
 * records is HIGH when it loses regions, global services, member accounts or write events, MEDIUM when
 * it loses read events, a few event sources or log file validation.
 */
export const cloudTrailTampering = defineRule({
  kind: "event",
  meta: {
    id: "cloudtrail-tampering",
    title: "CloudTrail logging stopped or reduced",
    severity: "HIGH",
    description:
      "A trail was stopped or deleted (CRITICAL), or changed to record less: only its home region, no global service events such as IAM, no member accounts, no log file validation, or event selectors that drop management events. Attackers do this first so that what they do next goes unrecorded.",
    remediation:
      "Restart logging or recreate the trail at once, restoring multi-region coverage, global service events, log file validation and event selectors that record all management events. Then find out who made the change and review their activity, using CloudTrail Event history for the gap.",
    references: [CIS.cloudTrailChanges, CIS.cloudTrailAllRegions, CIS.logFileValidation, ATTACK.disableCloudLogs],
  },
  selectors: [
    { eventSource: "cloudtrail.amazonaws.com", eventNames: ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"] },
  ],
  evaluate(event) {
    if (!succeeded(event)) return undefined;
    const caller = principalArn(event);
    const stops = event.eventName === "StopLogging" || event.eventName === "DeleteTrail";
    // A change that keeps coverage is quiet whatever the trail is called, so the name is needed only to report.
    if (!stops) needRequest(event, "what the trail records now");
    const reductions = stops ? [] : event.eventName === "UpdateTrail" ? updateTrailReductions(event) : selectorReductions(event);
    if (!stops && reductions.length === 0) return undefined;
    const trail = trailArn(event);
    const name = trail.slice(trail.lastIndexOf("/") + 1);
    if (stops) {
      const verb = event.eventName === "StopLogging" ? "stopped logging on" : "deleted";
      return { severity: "CRITICAL", resource: trail, summary: `${caller} ${verb} the trail ${name}.` };
    }

    const verb = event.eventName === "UpdateTrail" ? "updated" : "changed the event selectors of";
    return {
      severity: reductions.some((reduction) => atLeast(reduction.severity, "HIGH")) ? "HIGH" : "MEDIUM",
      resource: trail,
      summary: `${caller} ${verb} the trail ${name}: ${reductions.map((reduction) => reduction.what).join("; ")}.`,
      details: { reductions: reductions.map((reduction) => reduction.what) },
    };
  },
});

import { isIP } from "node:net";
import { eventConsoleUrl, iamConsoleUrl } from "../findings/consoleUrl.ts";
import type { Finding, FindingStatus } from "../findings/Finding.ts";
import type { Reference } from "../findings/Reference.ts";
import { CIS_AWS_BENCHMARK_URL, referenceUrl } from "../findings/referenceUrl.ts";
import type { Severity } from "../findings/Severity.ts";
import { asffTypes } from "./asffTypes.ts";
import { tacticsOf } from "./attackTactics.ts";
import { epochMs } from "./awsTime.ts";
import { findingKind } from "./findingKind.ts";
import type { OcsfAttack, OcsfEvidence, OcsfFinding } from "./OcsfFinding.ts";
import { describeResource } from "./resourceArn.ts";

/** The OCSF version the mapping is written against (the schema the tests validate with). */
export const OCSF_VERSION = "1.6.0";

export interface OcsfOptions {
  /** Vigil's own version, for metadata.product.version. */
  version: string;
  /** When the finding last changed (its latest triage): the record's time; its lastSeenAt or detectedAt when absent. */
  updatedAt?: string;
}

// OCSF's severity_id (dictionary.json): 1 Informational ... 5 Critical.
const SEVERITY: Record<Severity, { id: number; caption: string }> = {
  INFO: { id: 1, caption: "Informational" },
  LOW: { id: 2, caption: "Low" },
  MEDIUM: { id: 3, caption: "Medium" },
  HIGH: { id: 4, caption: "High" },
  CRITICAL: { id: 5, caption: "Critical" },
};
/**
 * Finding's status_id (events/findings/finding.json) and the activity the record reports: a finding
 * is created open (a reopened one is open, hence new, again), updated by triage, closed when resolved.
 */
const LIFECYCLE: Record<FindingStatus, { status: [number, string]; activity: [1 | 2 | 3, string] }> = {
  open: { status: [1, "New"], activity: [1, "Create"] },
  acknowledged: { status: [2, "In Progress"], activity: [2, "Update"] },
  suppressed: { status: [3, "Suppressed"], activity: [2, "Update"] },
  resolved: { status: [4, "Resolved"], activity: [3, "Close"] },
};
const CIS_STANDARD = "CIS AWS Foundations Benchmark v3.0.0";

/**
 * A Vigil finding as one OCSF record: an event finding as a Detection Finding (2004) with the ATT&CK
 * techniques it maps to, a posture finding as a Compliance Finding (2003) with its CIS controls and
 * a Fail (Pass once resolved). The record applies the cloud profile, so `cloud` is always set.
 *
 * @throws InvalidInputError when one of the finding's times does not parse.
 */
export function toOcsf(finding: Finding, options: OcsfOptions): OcsfFinding {
  const posture = findingKind(finding) === "posture";
  const [classUid, className] = posture ? ([2003, "Compliance Finding"] as const) : ([2004, "Detection Finding"] as const);
  const lifecycle = LIFECYCLE[finding.status];
  const [activityId, activityName] = lifecycle.activity;
  const severity = SEVERITY[finding.severity];
  const created = epochMs(finding.eventTime ?? finding.detectedAt, finding.eventTime ? "eventTime" : "detectedAt");
  const lastSeen = epochMs(finding.lastSeenAt ?? finding.eventTime ?? finding.detectedAt, "lastSeenAt");
  const updated = epochMs(options.updatedAt ?? finding.lastSeenAt ?? finding.detectedAt, "updatedAt");
  const resource = describeResource(finding.resource, finding.region);
  const attacks = posture ? [] : finding.references.flatMap(attackOf);
  const eventIds = finding.eventIds ?? (finding.eventId ? [finding.eventId] : []);
  const cis = finding.references.filter((reference) => reference.framework === CIS_STANDARD);
  const links = finding.references.map(referenceUrl).filter((url) => url !== undefined);
  if (cis.length > 0) links.push(CIS_AWS_BENCHMARK_URL);

  return {
    activity_id: activityId,
    activity_name: activityName,
    category_uid: 2,
    category_name: "Findings",
    class_uid: classUid,
    class_name: className,
    type_uid: classUid * 100 + activityId,
    type_name: `${className}: ${activityName}`,
    time: updated,
    severity_id: severity.id,
    severity: severity.caption,
    status_id: lifecycle.status[0],
    status: lifecycle.status[1],
    message: finding.summary,
    // An alert while it needs someone; a closed or suppressed finding no longer does.
    ...(posture ? {} : { is_alert: finding.status === "open" || finding.status === "acknowledged" }),
    finding_info: {
      uid: finding.id,
      title: finding.title,
      desc: finding.summary,
      types: asffTypes(finding),
      created_time: created,
      first_seen_time: created,
      last_seen_time: lastSeen,
      modified_time: updated,
      src_url: finding.eventId ? eventConsoleUrl({ region: finding.region, eventId: finding.eventId }) : (iamConsoleUrl(finding.resource) ?? "https://console.aws.amazon.com/iam/home#/home"),
      analytic: { uid: finding.ruleId, name: finding.title, type_id: 1, type: "Rule" },
      ...(eventIds.length > 0 ? { related_events: eventIds.map((uid) => ({ uid })) } : {}),
      ...(attacks.length > 0 ? { attacks } : {}),
    },
    resources: [
      { uid: resource.id, type: resource.typeName, region: resource.region, cloud_partition: resource.partition, ...(resource.name ? { name: resource.name } : {}) },
    ],
    cloud: {
      provider: "AWS",
      account: { uid: finding.account, type_id: 10, type: "AWS Account", ...(finding.accountName ? { name: finding.accountName } : {}) },
      region: finding.region,
      cloud_partition: resource.partition,
    },
    evidences: [evidence(finding)],
    remediation: { desc: finding.remediation, ...(links.length > 0 ? { references: links } : {}) },
    ...(posture
      ? {
          compliance: {
            standards: [CIS_STANDARD],
            ...(cis.length > 0 ? { requirements: cis.map((reference) => reference.id), control: cis[0]?.id } : {}),
            ...(finding.status === "resolved" ? { status_id: 1 as const, status: "Pass" as const } : { status_id: 3 as const, status: "Fail" as const }),
          },
        }
      : {}),
    metadata: {
      product: { name: "Vigil", vendor_name: "Vigil", version: options.version },
      version: OCSF_VERSION,
      uid: finding.id,
      profiles: ["cloud"],
    },
  };
}

/** Who did it (and, for an event, the call and where from): OCSF has no actor on findings, only on their evidence. */
function evidence(finding: Finding): OcsfEvidence {
  const name = finding.principal.slice(finding.principal.lastIndexOf("/") + 1);
  const ip = finding.sourceIPAddress && isIP(finding.sourceIPAddress) !== 0 ? finding.sourceIPAddress : undefined;
  return {
    actor: { user: { uid: finding.principal, ...(name && name !== finding.principal ? { name } : {}) } },
    ...(finding.eventName ? { api: { operation: finding.eventName, ...(finding.eventSource ? { service: { name: finding.eventSource } } : {}) } } : {}),
    // CloudTrail writes a service's name (iam.amazonaws.com) there when a service made the call: only an address is an endpoint's ip.
    ...(ip ? { src_endpoint: { ip } } : {}),
  };
}

/** An ATT&CK reference as OCSF's attack: a sub-technique under its technique, with the tactics ATT&CK lists for it. */
function attackOf(reference: Reference): OcsfAttack[] {
  if (reference.framework !== "MITRE ATT&CK") return [];
  const [techniqueId = reference.id] = reference.id.split(".");
  const [techniqueName = reference.title, subName] = reference.title.split(": ");
  const url = referenceUrl(reference);
  const tactics = tacticsOf(reference).map((tactic) => ({ uid: tactic.uid, name: tactic.name }));
  const technique = subName
    ? { uid: techniqueId, name: techniqueName, src_url: `https://attack.mitre.org/techniques/${techniqueId}/` }
    : { uid: reference.id, name: reference.title, ...(url ? { src_url: url } : {}) };
  return [
    {
      technique,
      ...(subName ? { sub_technique: { uid: reference.id, name: subName, ...(url ? { src_url: url } : {}) } } : {}),
      ...(tactics[0] ? { tactic: tactics[0], tactics } : {}),
    },
  ];
}

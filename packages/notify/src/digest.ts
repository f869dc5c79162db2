import { type Finding, type RemediationAction, SEVERITIES, type Severity, severityRank } from "@vigil/core";
import { SUBJECT_MAX } from "./email.ts";
import { clip, singleLine, toAscii } from "./text.ts";

/** One scheduled posture run of one account, as the digest reports it. */
export interface PostureDigestRun {
  account: string;
  region: string;
  /** ISO instant of the run. */
  runAt: string;
  /** Stored for the first time by this run. */
  created: readonly Finding[];
  /** Resolved before, seen again by this run. */
  reopened: readonly Finding[];
  /** Not seen by this run (their check ran), resolved by it. */
  resolved: readonly Finding[];
  /** Seen again, open or acknowledged (suppressed ones are left out). */
  stillOpen: readonly Finding[];
  /** Absent when remediation is off. */
  remediation?: { dryRun: boolean; actions: readonly RemediationAction[] };
  /** Checks (or parts of them) that did not run, and why. */
  skipped: readonly { checkId: string; reason: string }[];
  /** Parts of the account that could not be read. */
  problems?: readonly { part: string; error: string }[];
}

export type DigestSeverityCounts = Record<Severity, number>;

/** A listed finding: enough to know what and where, the rest is in the store under its id. */
export interface DigestFinding {
  id: string;
  ruleId: string;
  title: string;
  severity: Severity;
  resource: string;
  summary: string;
}

/** The digest as machine subscribers receive it (the `default` body). */
export interface PostureDigestMessage {
  kind: "posture-digest";
  account: string;
  region: string;
  runAt: string;
  counts: { new: DigestSeverityCounts; reopened: DigestSeverityCounts; resolved: DigestSeverityCounts; stillOpen: DigestSeverityCounts };
  /** The most severe first, at most `maxListed` each; `omitted` counts the rest. */
  new: DigestFinding[];
  reopened: DigestFinding[];
  resolved: DigestFinding[];
  omitted: { new: number; reopened: number; resolved: number };
  remediation: { dryRun: boolean; actions: RemediationAction[]; omitted: number } | null;
  skipped: { checkId: string; reason: string }[];
  problems: { part: string; error: string }[];
}

export interface PostureDigest {
  subject: string;
  text: string;
  message: PostureDigestMessage;
  /** The highest severity among the new and reopened findings; INFO when there are none. */
  severity: Severity;
  account: string;
}

export interface DigestOptions {
  /** Findings listed per section (new, reopened, resolved); 20 when absent. The counts always cover all. */
  maxListed?: number;
}

const DEFAULT_MAX_LISTED = 20;
/** Caps that keep the digest far below SNS's 256 KiB whatever the account holds. */
const MAX_ACTIONS = 40;
const MAX_SKIPPED = 30;
const FIELD_MAX = { title: 200, resource: 300, summary: 300, reason: 200, name: 200 } as const;
const ACCOUNT_MAX = 24;

function countsOf(findings: readonly Finding[]): DigestSeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as DigestSeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

const total = (counts: DigestSeverityCounts) => SEVERITIES.reduce((sum, severity) => sum + counts[severity], 0);

function mostSevereFirst(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.ruleId.localeCompare(b.ruleId) || a.resource.localeCompare(b.resource));
}

function listed(findings: readonly Finding[], max: number): DigestFinding[] {
  return mostSevereFirst(findings)
    .slice(0, max)
    .map((finding) => ({
      id: finding.id,
      ruleId: finding.ruleId,
      title: clip(finding.title, FIELD_MAX.title),
      severity: finding.severity,
      resource: clip(finding.resource, FIELD_MAX.resource),
      summary: clip(finding.summary, FIELD_MAX.summary),
    }));
}

/** The highest severity among `findings`; INFO when there are none. */
export function highestSeverity(findings: readonly Pick<Finding, "severity">[]): Severity {
  return findings.reduce<Severity>((highest, finding) => (severityRank(finding.severity) > severityRank(highest) ? finding.severity : highest), "INFO");
}

/** `2 new (highest CRITICAL), 1 resolved, 5 still open`: what a run changed, from its counts. */
export function digestHeadline(message: Pick<PostureDigestMessage, "counts">): string {
  const added = total(message.counts.new) + total(message.counts.reopened);
  const highest = SEVERITIES.find((severity) => message.counts.new[severity] + message.counts.reopened[severity] > 0);
  return [
    added === 0 ? "no new findings" : `${added} new (highest ${highest})`,
    `${total(message.counts.resolved)} resolved`,
    `${total(message.counts.stillOpen)} still open`,
  ].join(", ");
}

/** `[Vigil posture] 2 new (highest CRITICAL), 1 resolved, 5 still open (111122223333)`, cut to SNS's limit. */
function subject(message: PostureDigestMessage): string {
  const account = toAscii(singleLine(message.account));
  const suffix = account ? ` (${clip(account, ACCOUNT_MAX)})` : "";
  const prefix = "[Vigil posture] ";
  return `${prefix}${clip(digestHeadline(message), SUBJECT_MAX - prefix.length - suffix.length)}${suffix}`;
}

function countTable(counts: PostureDigestMessage["counts"]): string[] {
  const rows: [string, DigestSeverityCounts][] = [
    ["New", counts.new],
    ["Back again", counts.reopened],
    ["Resolved", counts.resolved],
    ["Still open", counts.stillOpen],
  ];
  const columns = [...SEVERITIES, "Total"];
  const cell = (text: string, index: number) => text.padStart(Math.max(columns[index]?.length ?? 0, 5));
  return [
    `${"".padEnd(12)}${columns.map((column, index) => cell(column, index)).join("  ")}`,
    ...rows.map(([label, row]) => `${label.padEnd(12)}${[...SEVERITIES.map((severity) => row[severity]), total(row)].map((value, index) => cell(String(value), index)).join("  ")}`),
  ];
}

function findingLines(heading: string, findings: readonly DigestFinding[], omitted: number, withSummary: boolean): string[] {
  if (findings.length === 0) return [];
  const lines = ["", heading];
  for (const finding of findings) {
    lines.push(`- [${finding.severity}] ${singleLine(finding.title)}`);
    lines.push(`  Resource:   ${singleLine(finding.resource)}`);
    if (withSummary) lines.push(`  ${singleLine(finding.summary)}`);
    lines.push(`  Finding id: ${finding.id}`);
  }
  if (omitted > 0) lines.push(`- and ${omitted} more (list them with the findings API or CLI)`);
  return lines;
}

function clipAction(action: RemediationAction): RemediationAction {
  const clipped: RemediationAction = { ...action, user: clip(action.user, FIELD_MAX.name), arn: clip(action.arn, FIELD_MAX.resource) };
  if (action.accessKeyId !== undefined) clipped.accessKeyId = clip(action.accessKeyId, FIELD_MAX.name);
  if (action.reason !== undefined) clipped.reason = clip(action.reason, FIELD_MAX.reason);
  return clipped;
}

function describeAction(action: RemediationAction): string {
  const key = action.accessKeyId ? `access key ${action.accessKeyId} of ${action.user}` : `the access keys of ${action.user}`;
  const age = action.ageDays === undefined ? "" : ` (${action.ageDays} days old)`;
  const reason = action.reason ? `: ${singleLine(action.reason)}` : "";
  switch (action.outcome) {
    case "done":
      return `- Deactivated ${key}${age}`;
    case "would-do":
      return `- Would deactivate ${key}${age}`;
    case "failed":
      return `- FAILED to deactivate ${key}${age}${reason}`;
    case "skipped":
      return `- Left ${key} alone${reason}`;
  }
}

function remediationLines(remediation: PostureDigestMessage["remediation"]): string[] {
  if (!remediation) return [];
  const heading = remediation.dryRun ? "Remediation (dry run: nothing was changed)" : "Remediation";
  if (remediation.actions.length === 0) return ["", heading, "- Nothing to do: no active access key is over the age limit."];
  return ["", heading, ...remediation.actions.map(describeAction), ...(remediation.omitted > 0 ? [`- and ${remediation.omitted} more`] : [])];
}

/**
 * The digest of one posture run: an email (subject under SNS's 100 characters, plain text) and the
 * same content as JSON. New and reopened findings are listed most severe first with their resource
 * and summary, resolved ones without; counts by severity cover every finding whatever is listed.
 * Values that come from the account (user and policy names) are put on one line each, so a name
 * cannot forge a line of the message.
 */
export function formatDigest(run: PostureDigestRun, options: DigestOptions = {}): PostureDigest {
  const max = options.maxListed ?? DEFAULT_MAX_LISTED;
  const actions = run.remediation?.actions ?? [];
  const message: PostureDigestMessage = {
    kind: "posture-digest",
    account: run.account,
    region: run.region,
    runAt: run.runAt,
    counts: { new: countsOf(run.created), reopened: countsOf(run.reopened), resolved: countsOf(run.resolved), stillOpen: countsOf(run.stillOpen) },
    new: listed(run.created, max),
    reopened: listed(run.reopened, max),
    resolved: listed(run.resolved, max),
    omitted: {
      new: Math.max(0, run.created.length - max),
      reopened: Math.max(0, run.reopened.length - max),
      resolved: Math.max(0, run.resolved.length - max),
    },
    remediation: run.remediation
      ? {
          dryRun: run.remediation.dryRun,
          actions: actions.slice(0, MAX_ACTIONS).map(clipAction),
          omitted: Math.max(0, actions.length - MAX_ACTIONS),
        }
      : null,
    skipped: run.skipped.slice(0, MAX_SKIPPED).map(({ checkId, reason }) => ({ checkId, reason: clip(reason, FIELD_MAX.reason) })),
    problems: (run.problems ?? []).map(({ part, error }) => ({ part, error: clip(error, FIELD_MAX.reason) })),
  };
  const severity = highestSeverity([...run.created, ...run.reopened]);

  const text = [
    `Vigil posture run of account ${singleLine(run.account)} (${singleLine(run.region)}) at ${run.runAt}`,
    "",
    ...countTable(message.counts),
    ...findingLines("New findings", message.new, message.omitted.new, true),
    ...findingLines("Back again (resolved before, seen again in this run)", message.reopened, message.omitted.reopened, true),
    ...findingLines("Resolved (no longer seen)", message.resolved, message.omitted.resolved, false),
    ...remediationLines(message.remediation),
    ...(message.skipped.length > 0
      ? ["", "Checks skipped (this run resolves none of their findings)", ...message.skipped.map(({ checkId, reason }) => `- ${checkId}: ${singleLine(reason)}`)]
      : []),
    ...(run.skipped.length > MAX_SKIPPED ? [`- and ${run.skipped.length - MAX_SKIPPED} more`] : []),
    ...(message.problems.length > 0 ? ["", "Parts of the account that could not be read", ...message.problems.map(({ part, error }) => `- ${part}: ${singleLine(error)}`)] : []),
    "",
  ].join("\n");
  return { subject: subject(message), text, message, severity, account: run.account };
}

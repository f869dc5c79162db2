import { type Finding, type RemediationAction, SEVERITIES, type Severity, severityRank } from "@vigil/core";
import { type DigestFinding, type DigestSeverityCounts, highestSeverity } from "./digest.ts";
import { SUBJECT_MAX } from "./email.ts";
import { clip, singleLine, toAscii } from "./text.ts";

/** One account's part of an organization run, as the digest reports it. */
export interface OrganizationDigestAccount {
  account: string;
  accountName?: string;
  created: readonly Finding[];
  reopened: readonly Finding[];
  resolved: readonly Finding[];
  stillOpen: readonly Finding[];
  /** Checks (or parts of them) that did not run. */
  skipped: readonly { checkId: string }[];
  /** Parts of the account that could not be read. */
  problems: readonly { part: string }[];
  remediation?: { dryRun: boolean; actions: readonly RemediationAction[] };
}

/** One posture run across the organization. */
export interface OrganizationDigestRun {
  organizationId: string;
  region: string;
  /** ISO instant of the run. */
  runAt: string;
  /** Where the list of accounts came from: Organizations, or the cached inventory when Organizations could not be read (`error` says why). */
  inventory: { source: "organizations" | "cache"; refreshedAt: string; error?: string };
  accounts: readonly OrganizationDigestAccount[];
  notRead: readonly { account: string; accountName?: string; reason: string; detail: string }[];
}

/** A new finding listed with the account it is in. */
export interface OrganizationDigestFinding extends DigestFinding {
  account: string;
  accountName: string | null;
  /** Resolved before, seen again by this run. */
  reopened: boolean;
}

export interface OrganizationDigestAccountLine {
  account: string;
  accountName: string | null;
  new: DigestSeverityCounts;
  reopened: number;
  resolved: number;
  stillOpen: DigestSeverityCounts;
  checksSkipped: number;
  partsNotRead: number;
  /** Keys deactivated (or, in a dry run, that would be), and failures; null when remediation is off. */
  remediation: { dryRun: boolean; done: number; failed: number } | null;
}

/** The digest as machine subscribers receive it (the `default` body). */
export interface OrganizationDigestMessage {
  kind: "organization-posture-digest";
  organizationId: string;
  region: string;
  runAt: string;
  inventory: { source: "organizations" | "cache"; refreshedAt: string; error: string | null };
  totals: {
    accountsRead: number;
    accountsNotRead: number;
    new: DigestSeverityCounts;
    reopened: DigestSeverityCounts;
    resolved: DigestSeverityCounts;
    stillOpen: DigestSeverityCounts;
  };
  /** Accounts with something to report (new, resolved, still open, parts not read), the most severe first; `omitted` counts the rest. */
  accounts: OrganizationDigestAccountLine[];
  notRead: { account: string; accountName: string | null; reason: string; detail: string }[];
  /** New and reopened findings, the most severe first. */
  new: OrganizationDigestFinding[];
  omitted: { accounts: number; notRead: number; new: number };
}

export interface OrganizationDigest {
  subject: string;
  text: string;
  message: OrganizationDigestMessage;
  /** The highest severity among the new and reopened findings; INFO when there are none. */
  severity: Severity;
  organizationId: string;
}

/**
 * Caps that keep one message (JSON and email text together) far below SNS's 256 KiB for any
 * organization: 1,000 accounts, every one with findings, unreadable or both (see the digest test).
 */
export const ORGANIZATION_DIGEST_LIMITS = { accounts: 100, notRead: 100, new: 50 } as const;
const FIELD_MAX = { title: 200, resource: 300, summary: 300, detail: 300, name: 60 } as const;

function countsOf(findings: readonly Finding[]): DigestSeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as DigestSeverityCounts;
  for (const finding of findings) counts[finding.severity] += 1;
  return counts;
}

function sum(all: readonly DigestSeverityCounts[]): DigestSeverityCounts {
  const counts = Object.fromEntries(SEVERITIES.map((severity) => [severity, 0])) as DigestSeverityCounts;
  for (const one of all) for (const severity of SEVERITIES) counts[severity] += one[severity];
  return counts;
}

const total = (counts: DigestSeverityCounts) => SEVERITIES.reduce((count, severity) => count + counts[severity], 0);

/** Compares severity counts, most severe first: more CRITICAL first, then more HIGH, and so on. */
function bySeverity(a: DigestSeverityCounts, b: DigestSeverityCounts): number {
  for (const severity of SEVERITIES) if (a[severity] !== b[severity]) return b[severity] - a[severity];
  return 0;
}

const nameOf = (name: string | undefined) => (name === undefined ? null : clip(singleLine(name), FIELD_MAX.name));

function accountLine(run: OrganizationDigestAccount): OrganizationDigestAccountLine {
  const actions = run.remediation?.actions ?? [];
  return {
    account: run.account,
    accountName: nameOf(run.accountName),
    new: countsOf(run.created),
    reopened: run.reopened.length,
    resolved: run.resolved.length,
    stillOpen: countsOf(run.stillOpen),
    checksSkipped: new Set(run.skipped.map((entry) => entry.checkId)).size,
    partsNotRead: run.problems.length,
    remediation: run.remediation
      ? { dryRun: run.remediation.dryRun, done: actions.filter((action) => action.outcome === "done" || action.outcome === "would-do").length, failed: actions.filter((action) => action.outcome === "failed").length }
      : null,
  };
}

const noteworthy = (line: OrganizationDigestAccountLine) => total(line.new) + line.reopened + line.resolved + total(line.stillOpen) + line.partsNotRead > 0;

function newFindings(accounts: readonly OrganizationDigestAccount[]): OrganizationDigestFinding[] {
  const all = accounts.flatMap((run) => [
    ...run.created.map((finding) => ({ finding, run, reopened: false })),
    ...run.reopened.map((finding) => ({ finding, run, reopened: true })),
  ]);
  all.sort((a, b) => severityRank(b.finding.severity) - severityRank(a.finding.severity) || a.finding.ruleId.localeCompare(b.finding.ruleId) || a.run.account.localeCompare(b.run.account));
  return all.slice(0, ORGANIZATION_DIGEST_LIMITS.new).map(({ finding, run, reopened }) => ({
    id: finding.id,
    ruleId: finding.ruleId,
    title: clip(finding.title, FIELD_MAX.title),
    severity: finding.severity,
    resource: clip(finding.resource, FIELD_MAX.resource),
    summary: clip(finding.summary, FIELD_MAX.summary),
    account: run.account,
    accountName: nameOf(run.accountName),
    reopened,
  }));
}

/** `3 new (highest CRITICAL), 2 resolved, 40 still open; 2 not read` (accounts) */
function headline(message: OrganizationDigestMessage): string {
  const { totals } = message;
  const added = total(totals.new) + total(totals.reopened);
  const highest = SEVERITIES.find((severity) => totals.new[severity] + totals.reopened[severity] > 0);
  const notRead = totals.accountsNotRead === 0 ? "" : `; ${totals.accountsNotRead} not read`;
  return `${added === 0 ? "no new findings" : `${added} new (highest ${highest})`}, ${total(totals.resolved)} resolved, ${total(totals.stillOpen)} still open${notRead}`;
}

const who = (account: string, name: string | null) => (name ? `${account} (${singleLine(name)})` : account);
const countText = (counts: DigestSeverityCounts) => SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`).join(", ") || "none";
const more = (omitted: number, what: string) => (omitted > 0 ? [`- and ${omitted} more ${what}`] : []);

function text(message: OrganizationDigestMessage, sourceLine: string): string {
  const { totals } = message;
  return [
    `Vigil posture run of organization ${message.organizationId} (${singleLine(message.region)}) at ${message.runAt}`,
    `${totals.accountsRead} accounts read, ${totals.accountsNotRead} not read. ${sourceLine}`,
    "",
    `New:        ${countText(totals.new)}`,
    `Back again: ${countText(totals.reopened)}`,
    `Resolved:   ${countText(totals.resolved)}`,
    `Still open: ${countText(totals.stillOpen)}`,
    ...(message.notRead.length > 0
      ? ["", "Accounts not read (none of their findings changed)", ...message.notRead.map((entry) => `- ${who(entry.account, entry.accountName)}: ${singleLine(entry.detail)}`), ...more(message.omitted.notRead, "accounts not read")]
      : []),
    ...(message.new.length > 0
      ? [
          "",
          "New findings",
          ...message.new.flatMap((finding) => [
            `- [${finding.severity}] ${singleLine(finding.title)}${finding.reopened ? " (back again)" : ""}`,
            `  Account:    ${who(finding.account, finding.accountName)}`,
            `  Resource:   ${singleLine(finding.resource)}`,
            `  Finding id: ${finding.id}`,
          ]),
          ...more(message.omitted.new, "(list them with the findings API or CLI)"),
        ]
      : []),
    ...(message.accounts.length > 0
      ? [
          "",
          "By account",
          ...message.accounts.map((line) => {
            const parts = [`new ${countText(line.new)}`, `resolved ${line.resolved}`, `still open ${countText(line.stillOpen)}`];
            if (line.reopened > 0) parts.splice(1, 0, `back again ${line.reopened}`);
            if (line.partsNotRead > 0) parts.push(`${line.partsNotRead} parts not read, ${line.checksSkipped} checks skipped`);
            if (line.remediation) parts.push(`${line.remediation.dryRun ? "would deactivate" : "deactivated"} ${line.remediation.done} keys${line.remediation.failed > 0 ? `, ${line.remediation.failed} FAILED` : ""}`);
            return `- ${who(line.account, line.accountName)}: ${parts.join("; ")}`;
          }),
          ...more(message.omitted.accounts, "accounts with findings"),
        ]
      : []),
    "",
  ].join("\n");
}

/**
 * The digest of one posture run over the organization: totals, the accounts that could not be read
 * and why, the new findings with their account, and a line per account with anything to report.
 * Lists are capped (ORGANIZATION_DIGEST_LIMITS, each ending in "and N more"); the totals always
 * cover every account. Names come from the accounts, so each is put on one line.
 */
export function formatOrganizationDigest(run: OrganizationDigestRun): OrganizationDigest {
  const limits = ORGANIZATION_DIGEST_LIMITS;
  const lines = run.accounts.map(accountLine);
  const listedAccounts = lines.filter(noteworthy).sort((a, b) => bySeverity(a.new, b.new) || bySeverity(a.stillOpen, b.stillOpen) || a.account.localeCompare(b.account));
  const notRead = run.notRead.map((entry) => ({ account: entry.account, accountName: nameOf(entry.accountName), reason: entry.reason, detail: clip(singleLine(entry.detail), FIELD_MAX.detail) }));
  const created = run.accounts.flatMap((account) => account.created);
  const reopened = run.accounts.flatMap((account) => account.reopened);
  const message: OrganizationDigestMessage = {
    kind: "organization-posture-digest",
    organizationId: run.organizationId,
    region: run.region,
    runAt: run.runAt,
    inventory: { source: run.inventory.source, refreshedAt: run.inventory.refreshedAt, error: run.inventory.error === undefined ? null : clip(run.inventory.error, FIELD_MAX.detail) },
    totals: {
      accountsRead: run.accounts.length,
      accountsNotRead: run.notRead.length,
      new: sum(lines.map((line) => line.new)),
      reopened: countsOf(reopened),
      resolved: countsOf(run.accounts.flatMap((account) => account.resolved)),
      stillOpen: sum(lines.map((line) => line.stillOpen)),
    },
    accounts: listedAccounts.slice(0, limits.accounts),
    notRead: notRead.slice(0, limits.notRead),
    new: newFindings(run.accounts),
    omitted: {
      accounts: Math.max(0, listedAccounts.length - limits.accounts),
      notRead: Math.max(0, notRead.length - limits.notRead),
      new: Math.max(0, created.length + reopened.length - limits.new),
    },
  };
  const sourceLine =
    run.inventory.source === "organizations"
      ? `Accounts as Organizations listed them at ${run.inventory.refreshedAt}.`
      : `Organizations could not be read (${singleLine(message.inventory.error ?? "")}); accounts as cached at ${run.inventory.refreshedAt}.`;
  const prefix = "[Vigil posture] ";
  const suffix = ` (${toAscii(message.organizationId)})`;
  return {
    subject: `${prefix}${clip(headline(message), SUBJECT_MAX - prefix.length - suffix.length)}${suffix}`,
    text: text(message, sourceLine),
    message,
    severity: highestSeverity([...created, ...reopened]),
    organizationId: run.organizationId,
  };
}

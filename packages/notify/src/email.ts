import { consoleLink, type Finding, referenceUrl } from "@vigil/core";
import { describeReference } from "./referenceLinks.ts";
import { clip, singleLine, toAscii } from "./text.ts";

export interface Email {
  subject: string;
  text: string;
}

/** SNS: "less than 100 characters", with no line breaks or control characters. */
export const SUBJECT_MAX = 99;
const ACCOUNT_MAX = 24;

/**
 * `[Vigil HIGH] Root user signed in to the console (111122223333)`, the title cut to fit; in
 * organization mode the account's name, which a reader of a thousand accounts' alerts knows it by.
 */
function subject(finding: Finding): string {
  const prefix = `[Vigil ${finding.severity}] `;
  const account = toAscii(singleLine(finding.accountName || finding.account));
  const suffix = account ? ` (${clip(account, ACCOUNT_MAX)})` : "";
  const title = toAscii(singleLine(finding.title)) || finding.ruleId;
  return `${prefix}${clip(title, SUBJECT_MAX - prefix.length - suffix.length)}${suffix}`;
}

/** `111122223333 (workload-prod)` in organization mode, the id alone otherwise. */
export function accountLabel(finding: Pick<Finding, "account" | "accountName">): string {
  return finding.accountName ? `${finding.account} (${finding.accountName})` : finding.account;
}

/** `Label:     value`, the value on one line. */
function line(label: string, value: string): string {
  return `${`${label}:`.padEnd(12)}${singleLine(value)}`;
}

function referenceLines(finding: Finding): string[] {
  if (finding.references.length === 0) return [];
  const lines = finding.references.map((reference) => {
    const url = referenceUrl(reference);
    return `- ${singleLine(describeReference(reference))}${url ? ` ${url}` : ""}`;
  });
  return ["", "References", ...lines];
}

/** The plain-text email: what happened, who, what, where, when, why it matters, what to do, references, link. */
export function formatEmail(finding: Finding): Email {
  const eventIds = finding.eventIds ?? [];
  const text = [
    `${finding.severity}: ${singleLine(finding.title)}`,
    "",
    singleLine(finding.summary),
    "",
    line("Who", finding.principal),
    ...(finding.sourceIPAddress ? [line("Source IP", finding.sourceIPAddress)] : []),
    line("What", finding.resource),
    line("Where", `account ${accountLabel(finding)}, region ${finding.region}`),
    ...(finding.ouPath ? [line("OU path", finding.ouPath)] : []),
    line("When", finding.eventTime || `not recorded (detected ${finding.detectedAt})`),
    ...(finding.eventId ? [line("Event", `${finding.eventName} (${finding.eventSource}), event id ${finding.eventId}`)] : []),
    ...(eventIds.length > 1 ? [line("Events", eventIds.join(", "))] : []),
    "",
    "Why it matters",
    singleLine(finding.description),
    "",
    "What to do",
    singleLine(finding.remediation),
    ...referenceLines(finding),
    "",
    `${consoleLink(finding).label}:`,
    consoleLink(finding).url,
    "",
    line("Finding id", finding.id),
    line("Rule", finding.ruleId),
    line("Detected", finding.detectedAt),
    "",
  ].join("\n");
  return { subject: subject(finding), text };
}

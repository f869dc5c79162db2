import { accountLabel } from "./email.ts";
import { consoleLink, type Finding, formatReference, referenceUrl, type Severity } from "@vigil/core";
import { escapeClipped, escapeMrkdwn } from "./mrkdwn.ts";
import { type MrkdwnTextObject, mrkdwn, SLACK_LIMITS, type SlackBlock, type SlackPayload } from "./SlackPayload.ts";
import { singleLine } from "./text.ts";

const SEVERITY_EMOJI: Record<Severity, string> = {
  CRITICAL: ":rotating_light:",
  HIGH: ":red_circle:",
  MEDIUM: ":large_orange_circle:",
  LOW: ":large_yellow_circle:",
  INFO: ":information_source:",
};

/** A labelled field; the value is untrusted text, kept on one line so it cannot forge another label. */
function field(label: string, value: string): MrkdwnTextObject {
  const prefix = `*${label}*\n`;
  return mrkdwn(`${prefix}${escapeClipped(singleLine(value) || "-", SLACK_LIMITS.fieldText - prefix.length)}`);
}

function section(label: string, value: string): SlackBlock {
  const prefix = `*${label}*\n`;
  return { type: "section", text: mrkdwn(`${prefix}${escapeClipped(singleLine(value), SLACK_LIMITS.sectionText - prefix.length)}`) };
}

function references(finding: Finding): string {
  return finding.references
    .map((reference) => {
      const label = escapeMrkdwn(formatReference(reference));
      const url = referenceUrl(reference);
      return url ? `<${url}|${label}>` : label;
    })
    .join(", ");
}

/**
 * The Block Kit message for a Slack incoming webhook: severity and title, what happened, who /
 * what / where / when, what to do, rule and references, and a link to the event in CloudTrail.
 * Every string from the finding is escaped, single-lined and cut to Block Kit's limits.
 */
export function slackMessage(finding: Finding): SlackPayload {
  const title = singleLine(finding.title);
  const header = escapeClipped(`${SEVERITY_EMOJI[finding.severity]} ${finding.severity}: ${title}`, SLACK_LIMITS.headerText);
  const fields = [
    field("Principal", finding.principal),
    field("Resource", finding.resource),
    field("Account / region", `${accountLabel(finding)} / ${finding.region}`),
    field("Time", finding.eventTime || `not recorded (detected ${finding.detectedAt})`),
    ...(finding.sourceIPAddress ? [field("Source IP", finding.sourceIPAddress)] : []),
    ...(finding.eventName ? [field("Event", `${finding.eventName} (${finding.eventSource})`)] : []),
  ].slice(0, SLACK_LIMITS.fields);
  const link = consoleLink(finding);
  const context = [
    escapeClipped(`Rule ${singleLine(finding.ruleId)} · finding ${singleLine(finding.id)}`, SLACK_LIMITS.contextText),
    ...(finding.references.length > 0 ? [references(finding)] : []),
  ];
  return {
    text: escapeClipped(`${finding.severity}: ${title}. ${singleLine(finding.summary)}`, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: "header", text: { type: "plain_text", text: header, emoji: true } },
      // Slack refuses a section with empty text (invalid_blocks), which would lose the message.
      { type: "section", text: mrkdwn(escapeClipped(singleLine(finding.summary) || title || finding.ruleId, SLACK_LIMITS.sectionText)) },
      { type: "section", fields },
      section("What to do", finding.remediation),
      // A mrkdwn link, not a button: a button in a webhook-only app shows an error when clicked.
      { type: "section", text: mrkdwn(`<${link.url}|${link.label}>`) },
      { type: "context", elements: context.map(mrkdwn) },
    ],
  };
}

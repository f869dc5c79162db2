import { SEVERITIES } from "@vigil/core";
import type { DigestSeverityCounts } from "./digest.ts";
import { escapeClipped, escapeMrkdwn } from "./mrkdwn.ts";
import type { OrganizationDigestMessage } from "./organizationDigest.ts";
import { mrkdwn, SLACK_LIMITS, type SlackBlock, type SlackPayload } from "./SlackPayload.ts";
import { singleLine } from "./text.ts";

/** Lines per list in Slack: a channel message stays short; the email lists more. */
const SLACK_LISTED = 10;

function countLine(counts: DigestSeverityCounts): string {
  const present = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`);
  return present.length > 0 ? present.join(", ") : "none";
}

const who = (account: string, name: string | null) => escapeMrkdwn(singleLine(name ? `${account} (${name})` : account));

/** A list section of whole lines, ending in "and N more" when some were left out; absent when empty. */
function list(heading: string, lines: string[], more: number): SlackBlock[] {
  if (lines.length === 0) return [];
  const shown = lines.slice(0, SLACK_LISTED);
  const left = more + lines.length - shown.length;
  const body = [...shown, ...(left > 0 ? [`… and ${left} more`] : [])].join("\n");
  return [{ type: "section", text: mrkdwn(`*${heading}*\n${body}`.slice(0, SLACK_LIMITS.sectionText)) }];
}

/**
 * The Block Kit message of an organization run's digest: totals by severity, the accounts not read
 * and why, and the new findings with their account. Every value from the accounts is escaped and
 * single-lined.
 */
export function slackOrganizationDigestMessage(digest: OrganizationDigestMessage): SlackPayload {
  const { totals } = digest;
  const headline = `${totals.accountsRead} accounts read, ${totals.accountsNotRead} not read`;
  return {
    text: escapeClipped(`Vigil posture ${digest.organizationId}: ${headline}`, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: "header", text: { type: "plain_text", text: escapeClipped(`:clipboard: Vigil posture: ${digest.organizationId}`, SLACK_LIMITS.headerText), emoji: true } },
      { type: "section", text: mrkdwn(escapeClipped(headline, SLACK_LIMITS.sectionText)) },
      {
        type: "section",
        fields: [
          mrkdwn(`*New*\n${countLine(totals.new)}`),
          mrkdwn(`*Back again*\n${countLine(totals.reopened)}`),
          mrkdwn(`*Resolved*\n${countLine(totals.resolved)}`),
          mrkdwn(`*Still open*\n${countLine(totals.stillOpen)}`),
        ],
      },
      ...list("Accounts not read", digest.notRead.map((entry) => `• ${who(entry.account, entry.accountName)}: ${escapeMrkdwn(singleLine(entry.detail))}`), digest.omitted.notRead),
      ...list(
        "New findings",
        digest.new.map((finding) => `• *${finding.severity}* ${escapeMrkdwn(singleLine(finding.title))} · ${who(finding.account, finding.accountName)}`),
        digest.omitted.new,
      ),
      {
        type: "context",
        elements: [
          mrkdwn(
            escapeClipped(
              digest.inventory.source === "cache"
                ? `Organizations could not be read; accounts as cached at ${digest.inventory.refreshedAt}`
                : `Posture run of ${digest.organizationId} (${singleLine(digest.region)}) at ${singleLine(digest.runAt)}`,
              SLACK_LIMITS.contextText,
            ),
          ),
        ],
      },
    ],
  };
}

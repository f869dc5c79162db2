import { SEVERITIES } from "@vigil/core";
import { type DigestFinding, type DigestSeverityCounts, digestHeadline, type PostureDigestMessage } from "./digest.ts";
import { escapeClipped, escapeMrkdwn } from "./mrkdwn.ts";
import { mrkdwn, SLACK_LIMITS, type SlackBlock, type SlackPayload } from "./SlackPayload.ts";
import { singleLine } from "./text.ts";

/** Findings listed per section in Slack: a channel message stays short; the email lists more. */
const SLACK_LISTED = 10;

/** `1 CRITICAL, 2 HIGH` (the severities present), or `none`. */
function countLine(counts: DigestSeverityCounts): string {
  const present = SEVERITIES.filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}`);
  return present.length > 0 ? present.join(", ") : "none";
}

/** A section listing findings, one escaped line each; absent when there are none. */
function findingList(heading: string, findings: readonly DigestFinding[], omitted: number): SlackBlock[] {
  if (findings.length === 0) return [];
  const shown = findings.slice(0, SLACK_LISTED);
  const more = omitted + findings.length - shown.length;
  const lines = shown.map((finding) => `• *${finding.severity}* ${escapeMrkdwn(singleLine(finding.title))} · ${escapeMrkdwn(singleLine(finding.resource))}`);
  if (more > 0) lines.push(`… and ${more} more (\`vigil findings list\` or the findings API)`);
  const title = `*${heading}*`;
  return [{ type: "section", text: mrkdwn(`${title}\n${clipLines(lines, SLACK_LIMITS.sectionText - title.length - 1)}`) }];
}

/** Whole lines up to `max` characters: a cut never leaves half an escape or link. */
function clipLines(lines: readonly string[], max: number): string {
  let text = "";
  for (const line of lines) {
    const next = text ? `${text}\n${line}` : line;
    if (next.length > max) break;
    text = next;
  }
  return text;
}

function remediationBlock(remediation: PostureDigestMessage["remediation"]): SlackBlock[] {
  if (!remediation || remediation.actions.length === 0) return [];
  const verb = { done: "Deactivated", "would-do": "Would deactivate", failed: "FAILED to deactivate", skipped: "Left alone" } as const;
  const lines = remediation.actions
    .slice(0, SLACK_LISTED)
    .map((action) => `• ${verb[action.outcome]} ${escapeMrkdwn(singleLine(action.accessKeyId ?? "the keys"))} of ${escapeMrkdwn(singleLine(action.user))}${action.reason ? `: ${escapeMrkdwn(singleLine(action.reason))}` : ""}`);
  const heading = remediation.dryRun ? "*Remediation (dry run: nothing was changed)*" : "*Remediation*";
  return [{ type: "section", text: mrkdwn(`${heading}\n${clipLines(lines, SLACK_LIMITS.sectionText - heading.length - 1)}`) }];
}

/**
 * The Block Kit message of a posture run's digest: what changed (new, back again, resolved, still
 * open, by severity), the new and returning findings most severe first, key remediation, and what
 * did not run. Every value from the account is escaped and single-lined.
 */
export function slackDigestMessage(digest: PostureDigestMessage): SlackPayload {
  const account = singleLine(digest.account);
  const headline = digestHeadline(digest);
  const context = [
    escapeClipped(`Posture run of ${account} (${singleLine(digest.region)}) at ${singleLine(digest.runAt)}`, SLACK_LIMITS.contextText),
    ...(digest.skipped.length > 0 ? [escapeClipped(`Skipped: ${digest.skipped.map(({ checkId, reason }) => `${checkId} (${singleLine(reason)})`).join("; ")}`, SLACK_LIMITS.contextText)] : []),
    ...(digest.problems.length > 0 ? [escapeClipped(`Could not read: ${digest.problems.map(({ part, error }) => `${part} (${singleLine(error)})`).join("; ")}`, SLACK_LIMITS.contextText)] : []),
  ];
  return {
    text: escapeClipped(`Vigil posture ${account}: ${headline}`, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: "header", text: { type: "plain_text", text: escapeClipped(`:clipboard: Vigil posture: ${account}`, SLACK_LIMITS.headerText), emoji: true } },
      { type: "section", text: mrkdwn(escapeClipped(headline, SLACK_LIMITS.sectionText)) },
      {
        type: "section",
        fields: [
          mrkdwn(`*New*\n${countLine(digest.counts.new)}`),
          mrkdwn(`*Back again*\n${countLine(digest.counts.reopened)}`),
          mrkdwn(`*Resolved*\n${countLine(digest.counts.resolved)}`),
          mrkdwn(`*Still open*\n${countLine(digest.counts.stillOpen)}`),
        ],
      },
      ...findingList("New findings", digest.new, digest.omitted.new),
      ...findingList("Back again", digest.reopened, digest.omitted.reopened),
      ...remediationBlock(digest.remediation),
      { type: "context", elements: context.map(mrkdwn) },
    ],
  };
}

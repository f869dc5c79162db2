/** The parts of Slack's Block Kit the finding message uses. */
export interface PlainTextObject {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface MrkdwnTextObject {
  type: "mrkdwn";
  text: string;
  /** True: no auto-linking of URLs, channel names or mentions in the text. */
  verbatim?: boolean;
}

/** A mrkdwn text object whose text Slack shows as written (already escaped by the caller). */
export function mrkdwn(text: string): MrkdwnTextObject {
  return { type: "mrkdwn", text, verbatim: true };
}

export type SlackBlock =
  | { type: "header"; text: PlainTextObject }
  | { type: "section"; text: MrkdwnTextObject }
  | { type: "section"; fields: MrkdwnTextObject[] }
  | { type: "context"; elements: MrkdwnTextObject[] };

/** An incoming-webhook message: `text` is the fallback shown in notifications, `blocks` the message. */
export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

/** Block Kit limits (characters) the message is cut to. */
export const SLACK_LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  contextText: 3000,
  fallbackText: 3000,
} as const;

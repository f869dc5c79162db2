const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Slack reads `&`, `<` and `>` as control characters (`<!channel>`, `<https://…|text>`); escaped,
 * a hostile string from CloudTrail shows as typed instead of pinging a channel or faking a link.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, (char) => ENTITIES[char] ?? char);
}

/** Escaped, then cut to `max` characters without splitting an entity or a surrogate pair. */
export function escapeClipped(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let cut = "";
  for (const char of text) {
    const piece = ENTITIES[char] ?? char;
    if (cut.length + piece.length > max - 1) break;
    cut += piece;
  }
  return `${cut}…`;
}

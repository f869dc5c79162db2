import { printable } from "@vigil/core";

/**
 * Text on one line. Finding fields quote CloudTrail, whose values an attacker chooses: a line break
 * in one could forge a line of the message around it, a bidirectional override could reorder what
 * the reader sees. Such characters are shown escaped (`\n`, `\u202e`), as the CLI shows them.
 */
export function singleLine(text: string): string {
  return printable(text.trim());
}

/** Printable ASCII only (accents dropped, anything else `?`), for headers that must be plain ASCII. */
export function toAscii(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^\x20-\x7e]/g, "?");
}

/**
 * At most `max` UTF-16 units ending in `ellipsis` when cut; cut between code points, at the last
 * space when one is near the end, so a word or a surrogate pair is never split.
 */
export function clip(text: string, max: number, ellipsis = "..."): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - ellipsis.length);
  let cut = "";
  for (const char of text) {
    if (cut.length + char.length > room) break;
    cut += char;
  }
  const space = cut.lastIndexOf(" ");
  if (space >= room * 0.7) cut = cut.slice(0, space);
  return `${cut.trimEnd()}${ellipsis}`;
}

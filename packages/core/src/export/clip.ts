const ELLIPSIS = "…";

/**
 * Text cut to at most `max` UTF-16 units (the formats count characters; a unit count never exceeds
 * them), ending in an ellipsis, at a word boundary when one is near, never inside a surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - ELLIPSIS.length;
  const space = text.lastIndexOf(" ", end);
  // A boundary in the last fifth keeps most of the text; further back, cutting mid-word loses less.
  if (space > end * 0.8) end = space;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return `${text.slice(0, end).trimEnd()}${ELLIPSIS}`;
}

/**
 * What a terminal, a mail reader or a chat client would act on instead of showing: C0 controls
 * (ESC starts a terminal escape sequence: clear the screen, recolour, an OSC 8 link whose text lies
 * about its target, CWE-150; CR rewrites the line), DEL, C1 controls (single-byte CSI and OSC),
 * the line and paragraph separators, and the bidirectional controls that reorder what is shown
 * (CVE-2021-42574, "Trojan Source").
 */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const UNSAFE_ALL = new RegExp(UNSAFE.source, "g");
const UNSAFE_KEEPING_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function escape(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * One value as text a person reads: every character above shown escaped (`\x1b`, `\u202e`), never
 * interpreted, line breaks and tabs included, so a value can neither act on the reader's terminal
 * nor forge a line of the text around it. Everything else is unchanged.
 */
export function printable(text: string): string {
  // Most values are clean; testing first keeps the common case to one scan and no copy.
  return UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escape) : text;
}

/** A block of text Vigil laid out in lines (an error message, a report): the same, keeping its line feeds and tabs. */
export function printableLines(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, escape);
}

/**
 * JSON for a person to read and paste (an ignore entry): valid JSON whose unsafe characters
 * JSON.stringify leaves raw (DEL, C1, separators, bidi controls) are written as `\uXXXX` escapes,
 * which JSON reads back as the same characters.
 */
export function printableJson(value: unknown): string {
  return JSON.stringify(value).replace(UNSAFE_ALL, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

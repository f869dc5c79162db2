/**
 * The JSON documents of a text that holds several one after the other, with or without whitespace
 * between them (`cat a.json.gz b.json.gz` gunzips to `{"Records":[...]}{"Records":[...]}`): each
 * top-level object or array as its own text, or undefined when the text is not such a sequence of
 * at least two. One linear pass that counts brackets outside strings, so nesting costs no stack.
 */
export function splitJsonDocuments(text: string): string[] | undefined {
  const documents: string[] = [];
  let start = -1;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (depth === 0) {
      if (code === SPACE || code === TAB || code === LF || code === CR) continue;
      if (code !== OPEN_BRACE && code !== OPEN_BRACKET) return undefined;
      start = i;
    }
    if (code === QUOTE) inString = true;
    else if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
      if (depth === 0) documents.push(text.slice(start, i + 1));
    }
  }
  return depth === 0 && !inString && documents.length >= 2 ? documents : undefined;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;

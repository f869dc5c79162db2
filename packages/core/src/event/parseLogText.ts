import { type Extracted, extractRecords } from "./extractRecords.ts";
import { splitJsonDocuments } from "./jsonDocuments.ts";

/**
 * Parses the text of one input (a CloudTrail log file, an EventBridge event, a record, or JSON
 * lines of any of these) into records and located errors. Never throws: a bad line is an error
 * item, and the good lines around it still come through.
 */
export function* parseLogText(text: string): Generator<Extracted> {
  let whole: unknown;
  let wholeError: SyntaxError | undefined;
  try {
    whole = JSON.parse(text);
  } catch (error) {
    wholeError = error as SyntaxError;
  }
  if (!wholeError) {
    yield* extractRecords(whole);
    return;
  }
  const lines = text.split("\n");
  const firstLine = lines.findIndex((line) => line.trim() !== "");
  if (firstLine === -1) {
    yield { kind: "error", message: "empty input", at: "line 1" };
    return;
  }
  if (!parses(lines[firstLine] as string)) {
    // Log files joined end to end (`cat a.json.gz b.json.gz` gunzips so): each document is read, numbered from 1.
    const documents = splitJsonDocuments(text);
    if (documents) {
      for (const [index, document] of documents.entries()) yield* parseDocument(document, `document ${index + 1}`);
      return;
    }
    // One JSON document that is broken, not JSON lines: report it once, where it broke.
    yield { kind: "error", message: `invalid JSON: ${wholeError.message}`, at: `line ${lineOf(text, wholeError)}` };
    return;
  }
  for (let i = firstLine; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() !== "") yield* parseLogLine(line, i + 1);
  }
}

/** One line of JSON lines (numbered from 1) into records, or the error that locates it. */
export function parseLogLine(line: string, number: number): Generator<Extracted> {
  return parseDocument(line, `line ${number}`);
}

function* parseDocument(text: string, at: string): Generator<Extracted> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    yield { kind: "error", message: `invalid JSON: ${(error as Error).message}`, at };
    return;
  }
  yield* extractRecords(value, at);
}

function parses(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

/** V8 reports "at position N" (and newer versions "line L column C"); turn either into a line number. */
function lineOf(text: string, error: SyntaxError): number {
  const lineMatch = /line (\d+)/.exec(error.message);
  if (lineMatch) return Number(lineMatch[1]);
  const positionMatch = /position (\d+)/.exec(error.message);
  if (!positionMatch) return 1;
  const position = Number(positionMatch[1]);
  let line = 1;
  for (let i = 0; i < position && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

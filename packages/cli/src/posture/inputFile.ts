import { InputTooLargeError, MiB, readFileLimited } from "@vigil/cloudtrail";
import { PostureInputError } from "./PostureInputError.ts";

/**
 * How much of each file `vigil posture` reads. A credential report has a line per user, about
 * 200 bytes: IAM's 5,000 users per account make about 1 MB, so 64 MiB leaves room for any; the
 * password policy and the account summary are a few hundred bytes.
 */
// The authorization details list every user, role, group and policy with its documents: an
// account with thousands of roles writes tens of MiB.
export const POSTURE_FILE_LIMITS = { credentialReport: 64 * MiB, json: 1 * MiB, authorizationDetails: 256 * MiB, lastAccessed: 16 * MiB } as const;

/**
 * A file's text, read no further than `limit` bytes; a file that cannot be read, or is larger
 * than that, is a PostureInputError naming it (and the limit).
 */
export async function readInputFile(file: string, limit: number): Promise<string> {
  try {
    return (await readFileLimited(file, limit)).toString("utf8");
  } catch (error) {
    if (error instanceof InputTooLargeError) throw new PostureInputError(file, `${error.reason}; is this the right file?`, { cause: error });
    throw new PostureInputError(file, `cannot read (${(error as NodeJS.ErrnoException).code ?? error})`, { cause: error });
  }
}

/**
 * Parses a JSON file's text. JSON.parse reports a character offset (a line only from Node 22), so
 * the line and column are worked out here, the same on every Node; for the few errors V8 gives no
 * offset for, its message quotes the text around the error instead.
 *
 * @throws PostureInputError naming the file, and the line and column of the syntax error when known.
 */
export function parseJsonText(file: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /at position (\d+)/.exec(message)?.[1];
    const offset = position !== undefined ? Number(position) : message === "Unexpected end of JSON input" ? text.length : undefined;
    if (offset === undefined) throw new PostureInputError(file, `invalid JSON: ${message}`, { cause: error });
    const { line, column } = lineAndColumn(text, offset);
    const reason = message.replace(/ (in JSON )?at position \d+( \(line \d+ column \d+\))?$/, "");
    throw new PostureInputError(file, `line ${line}, column ${column}: invalid JSON: ${reason}`, { line, column, cause: error });
  }
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: offset - lineStart + 1 };
}

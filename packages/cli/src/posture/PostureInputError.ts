import { InputError } from "@vigil/cloudtrail";

/**
 * A file given to `vigil posture` that cannot be read or is not what AWS writes. The message names
 * the file and, when known, the line and column; as an InputError it exits 2, like scan's inputs.
 */
export class PostureInputError extends InputError {
  readonly line: number | undefined;
  /** A column number for JSON, the column's name for the credential report. */
  readonly column: number | string | undefined;
  constructor(file: string, message: string, options: { line?: number; column?: number | string; cause?: unknown } = {}) {
    super(file, message, { cause: options.cause });
    this.line = options.line;
    this.column = options.column;
  }
}

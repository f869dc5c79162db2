import { InvalidInputError } from "../errors.ts";

/** A credential report that is not the CSV GetCredentialReport returns; names the line and, for a bad value, the column. */
export class CredentialReportError extends InvalidInputError {
  readonly line: number;
  readonly column: string | undefined;
  constructor(message: string, line: number, column?: string) {
    super(message, column ? `line ${line}, column ${column}` : `line ${line}`);
    this.line = line;
    this.column = column;
  }
}

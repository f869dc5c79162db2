/** Base class of every error the core raises; carries the offending field when there is one. */
export class VigilError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that does not have the shape Vigil needs; `path` names the field, `source` where it came from. */
export class InvalidInputError extends VigilError {
  readonly path: string;
  readonly source: string | undefined;
  constructor(message: string, path: string, options?: { source?: string; cause?: unknown }) {
    super(path ? `${path}: ${message}` : message, options);
    this.path = path;
    this.source = options?.source;
  }
}

/** A configuration file or object that fails validation; the message names the bad key. */
export class ConfigError extends VigilError {}

/** A policy document that is not valid JSON or not an IAM policy. */
export class PolicyParseError extends VigilError {}

import { VigilError } from "@vigil/core";

/** An input path that cannot be read (missing, unreadable, not gzip despite its magic bytes). */
export class InputError extends VigilError {
  readonly source: string;
  /** The message without the source it names. */
  readonly reason: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
    this.reason = message;
  }
}

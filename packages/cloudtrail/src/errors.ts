import { VigilError } from "@vigil/core";

/** An input path that cannot be read (missing, unreadable, not gzip despite its magic bytes). */
export class InputError extends VigilError {
  readonly source: string;
  constructor(source: string, message: string, options?: { cause?: unknown }) {
    super(`${source}: ${message}`, options);
    this.source = source;
  }
}

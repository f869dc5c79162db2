import { InvalidInputError } from "../errors.ts";

/** An instant as epoch milliseconds; a finding whose times do not parse cannot be exported. */
export function epochMs(text: string, field: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new InvalidInputError(`not a date and time: "${text}"`, field, { source: "finding export" });
  return ms;
}

/** The same instant in the one form both formats' readers accept (RFC 3339, UTC, milliseconds). */
export function isoTime(text: string, field: string): string {
  return new Date(epochMs(text, field)).toISOString();
}

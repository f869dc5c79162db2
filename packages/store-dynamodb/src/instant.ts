/** Last instant whose ISO form is 24 characters (year 9999), so sort keys compare as strings. */
export const MAX_SORTABLE_MS = 253_402_300_799_999;

/** An ISO 8601 date-time with a zone: `2026-11-01T09:30:00Z`, `…:00.250Z`, `…T11:30+02:00`. */
const ISO_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * Epoch milliseconds of an ISO 8601 instant between 1970 and 9999, or undefined when the text is not
 * one. Stricter than Date.parse, which accepts local times and rolls 2026-02-30 over into March.
 */
export function parseInstant(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const match = ISO_INSTANT.exec(text);
  if (!match) return undefined;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, offsetHours = 0, offsetMinutes = 0] = match.slice(1).map((part) => Number(part ?? 0));
  const date = new Date(Date.UTC(year, month - 1, day));
  const calendarDate = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!calendarDate || hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_SORTABLE_MS ? ms : undefined;
}

/** The fixed-width form every stored instant takes (`YYYY-MM-DDTHH:mm:ss.sssZ`), so they compare as strings. */
export function isoInstant(ms: number): string {
  return new Date(ms).toISOString();
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
// A zone is required: without one, Date.parse reads local time, and the same file would expire at a
// different instant on a laptop and in Lambda.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const DAY_MS = 24 * 60 * 60_000;

/**
 * The instant from which an ignore entry's `expires` no longer holds, in epoch milliseconds; undefined
 * when the text is not a date (`2026-01-31`) or a date-time with a zone. A date alone holds through the
 * end of that day UTC, because whoever writes "expires 2026-01-31" means the entry still counts that day.
 */
export function expiryInstant(text: string): number | undefined {
  const date = DATE.exec(text);
  if (date) {
    const start = Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3]));
    return sameDay(start, date) ? start + DAY_MS : undefined;
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return undefined;
  const instant = Date.parse(text);
  // Date.parse rolls 2026-02-30 over to March; a day that does not exist is a typo, not a date.
  const day = Date.UTC(Number(dateTime[1]), Number(dateTime[2]) - 1, Number(dateTime[3]));
  return Number.isFinite(instant) && sameDay(day, dateTime) ? instant : undefined;
}

function sameDay(start: number, parts: RegExpExecArray): boolean {
  return new Date(start).toISOString().slice(0, 10) === `${parts[1]}-${parts[2]}-${parts[3]}`;
}

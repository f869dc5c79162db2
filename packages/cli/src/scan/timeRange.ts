import { parseDuration } from "../duration.ts";
import { UsageError } from "../errors.ts";

/** A day (`2026-11-20`, midnight UTC) or an instant with its zone (`2026-11-20T08:35Z`, `...T08:35:00.5+01:00`). */
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * `--since`/`--until` as an instant: a duration (30m, 12h, 7d) reaches back from `now`; otherwise
 * an ISO 8601 day or instant. A time without a zone is refused: UTC or local would be a guess.
 */
export function parseInstant(text: string, option: string, now: Date): Date {
  const trimmed = text.trim();
  if (/^\d+[mhd]$/.test(trimmed)) return new Date(now.getTime() - parseDuration(trimmed, option));
  const match = ISO.exec(trimmed);
  if (!match) throw new UsageError(`${option}: expected a duration (30m, 12h, 7d) or an ISO 8601 day or time with its zone (2026-11-20, 2026-11-20T08:35Z), got "${text}"`);
  const [, year, month, day, hour, , second, zone] = match;
  if (hour !== undefined && zone === undefined) throw new UsageError(`${option}: "${text}" has no time zone; add Z for UTC or an offset such as +01:00`);
  const time = Date.parse(hour === undefined ? `${year}-${month}-${day}T00:00:00Z` : trimmed);
  // Date.parse accepts 2026-02-30 (rolling it into March) and 24:00 in some forms: the fields must read back as given.
  const check = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (Number.isNaN(time) || check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour ?? 0) > 23 || Number(second ?? 0) > 59) {
    throw new UsageError(`${option}: "${text}" is no real date or time`);
  }
  return new Date(time);
}

/** The window `vigil scan s3://...` reads: --since (default 7d) to --until (default now), since before until. */
export function scanWindow(values: { since?: string; until?: string }, now: Date): { since: Date; until: Date } {
  const since = parseInstant(values.since ?? "7d", "--since", now);
  const until = values.until === undefined ? now : parseInstant(values.until, "--until", now);
  if (since.getTime() >= until.getTime()) throw new UsageError(`--since (${since.toISOString()}) must be before --until (${until.toISOString()})`);
  return { since, until };
}

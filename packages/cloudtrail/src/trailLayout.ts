/**
 * Names in CloudTrail's S3 delivery layout:
 *   [prefix/]AWSLogs/[o-<org id>/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_YYYYMMDDTHHmmZ_<unique>.json.gz
 * Beside `CloudTrail/`, an account's folder may hold `CloudTrail-Digest/` (hourly integrity
 * digests: hashes of the log files, no events) and `CloudTrail-Insight/` (Insights events, which
 * are not management events and which Vigil's rules do not read).
 */

export const LOGS_FOLDER = "AWSLogs";
export const EVENTS_FOLDER = "CloudTrail";

export const ACCOUNT_ID = /^\d{12}$/;
/** An organization id as CloudTrail names its folder (Organizations ids are `o-` and 10 to 32 characters). */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
export const REGION = /^[a-z]{2}(-[a-z0-9]+)+-\d+$/;

/**
 * Folders and files beside the events that hold none: digests and Insights. A walk leaves them
 * out, so that an archive synced whole scans clean instead of reporting every digest as a bad record.
 */
const NOT_EVENTS_FOLDER = /^CloudTrail-(Digest|Insight)$/;
const NOT_EVENTS_FILE = /_CloudTrail-(Digest|Insight)_/;

export function holdsNoEvents(name: string, kind: "directory" | "file"): boolean {
  return (kind === "directory" ? NOT_EVENTS_FOLDER : NOT_EVENTS_FILE).test(name);
}

const DELIVERED = /_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})Z_[^/]*$/;
const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** When CloudTrail delivered a log file, from the `YYYYMMDDTHHmmZ` in its name (the start of that minute); undefined when the name has none. */
export function deliveredAt(key: string): Date | undefined {
  const match = DELIVERED.exec(key);
  if (!match) return undefined;
  const [, year, month, day, hour, minute] = match.map(Number) as number[];
  const time = Date.UTC(year as number, (month as number) - 1, day as number, hour as number, minute as number);
  const date = new Date(time);
  // Date.UTC rolls 2026-02-30 over into March: such a name is no delivery time.
  return date.getUTCMonth() === (month as number) - 1 && date.getUTCDate() === day && date.getUTCHours() === hour ? date : undefined;
}

/**
 * Whether a log file belongs to [since, until]: its delivery minute overlaps the range. A file
 * whose name carries no time is kept (its day folder is in range): better read than silently lost.
 */
export function deliveredWithin(key: string, since: Date, until: Date): boolean {
  const delivered = deliveredAt(key);
  if (!delivered) return true;
  return delivered.getTime() + MINUTE_MS > since.getTime() && delivered.getTime() <= until.getTime();
}

/** The `YYYY/MM/DD` day folders (UTC) from since's day to until's day, in order; none when until is before since. */
export function dayFolders(since: Date, until: Date): string[] {
  const days: string[] = [];
  for (let day = Math.floor(since.getTime() / DAY_MS); day <= Math.floor(until.getTime() / DAY_MS); day++) {
    days.push(new Date(day * DAY_MS).toISOString().slice(0, 10).replaceAll("-", "/"));
  }
  return days;
}

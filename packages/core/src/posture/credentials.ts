import type { UserAccessKey } from "./AccountSnapshot.ts";
import type { CredentialReportAccessKey, CredentialReportRow, UserCredentialReportRow } from "./CredentialReportRow.ts";

const DAY = 86_400_000;

/** Whole days from an ISO instant to `now`; a time after `now` (a report from a clock ahead) counts as 0. */
export function daysSince(instant: string, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - Date.parse(instant)) / DAY));
}

/** `1 day`, `45 days`. */
export function dayCount(days: number): string {
  return days === 1 ? "1 day" : `${days} days`;
}

export function ago(days: number): string {
  return days === 0 ? "today" : `${dayCount(days)} ago`;
}

export function userRows(report: readonly CredentialReportRow[]): UserCredentialReportRow[] {
  return report.filter((row): row is UserCredentialReportRow => row.kind === "user");
}

/** A key the slot holds, active or not: `last_rotated` is N/A only for an empty slot. */
export type PresentKey = CredentialReportAccessKey & { lastRotated: string };

export function presentKeys(row: CredentialReportRow): PresentKey[] {
  return row.accessKeys.filter((key): key is PresentKey => key.lastRotated !== undefined);
}

export function activeKeys(row: CredentialReportRow): PresentKey[] {
  return presentKeys(row).filter((key) => key.active);
}

/**
 * The key's id when the snapshot lists the user's keys: the report has none, so the key is the one
 * of that user created in the same second as the slot's `last_rotated`.
 */
export function accessKeyId(row: CredentialReportRow, key: PresentKey, accessKeys: readonly UserAccessKey[] | undefined): string | undefined {
  const second = Math.floor(Date.parse(key.lastRotated) / 1000);
  const matches = (accessKeys ?? []).filter(
    (candidate) => candidate.userName === row.user && Math.floor(Date.parse(candidate.createDate) / 1000) === second,
  );
  return matches.length === 1 ? matches[0]?.accessKeyId : undefined;
}

/** `access key AKIA…`, or `access key 1` (its slot) without the key list. */
export function keyLabel(row: CredentialReportRow, key: PresentKey, accessKeys: readonly UserAccessKey[] | undefined): string {
  return `access key ${accessKeyId(row, key, accessKeys) ?? key.slot}`;
}

/** `access key AKIA… of alice`. */
export function describeKey(row: CredentialReportRow, key: PresentKey, accessKeys: readonly UserAccessKey[] | undefined): string {
  return `${keyLabel(row, key, accessKeys)} of ${row.kind === "root" ? "the root user" : row.user}`;
}

/** Stable while the same key sits in the slot: a new key has a new creation time. */
export function keyMatchKey(row: CredentialReportRow, key: PresentKey): string {
  return `${row.arn}#key${key.slot}@${key.lastRotated}`;
}

/** The report's values for a key, plus its id when known. */
export function keyDetails(row: CredentialReportRow, key: PresentKey, accessKeys: readonly UserAccessKey[] | undefined): Record<string, unknown> {
  const id = accessKeyId(row, key, accessKeys);
  return {
    ...(id ? { accessKeyId: id } : {}),
    slot: key.slot,
    active: key.active,
    lastRotated: key.lastRotated,
    lastUsedDate: key.lastUsedDate ?? null,
    lastUsedRegion: key.lastUsedRegion ?? null,
    lastUsedService: key.lastUsedService ?? null,
  };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

import { KEY_ATTRIBUTES } from "./tableDefinition.ts";
import { dueKey } from "./outbox.ts";

/**
 * The export outbox kept on each finding item when the table exports its changes (Security Hub,
 * OCSF on S3): the finding is marked pending in a sparse index whenever it is created or its status
 * changes, and each sink records the revision it last exported. The revision is the length of the
 * stored status history, which every status change appends to, so it is the finding's status
 * version: a sink behind it has something to send, a sink at it is in step. One lease (the export
 * sweep's) covers all sinks, so two sweeps never send the same finding at once and an older state
 * is never sent after a newer one.
 */

export const EXPORT_SINKS = ["securityHub", "ocsf"] as const;
export type ExportSink = (typeof EXPORT_SINKS)[number];

/** The pending index's partition value: one partition, read oldest due first. */
export const PENDING_EXPORT = "export";

export const EXPORT_ATTRIBUTES = {
  leaseOwner: "exportLeaseOwner",
  leaseUntil: "exportLeaseUntil",
  attempts: "exportAttempts",
  lastError: "exportLastError",
} as const;

/** The item attribute holding the revision a sink last exported, e.g. `securityHubExported`. */
export function exportedAttribute(sink: ExportSink): string {
  return `${sink}Exported`;
}

/** Every export attribute, so that findings returned to callers keep their public shape. */
export const EXPORT_STATE_ATTRIBUTES: readonly string[] = [...Object.values(EXPORT_ATTRIBUTES), ...EXPORT_SINKS.map(exportedAttribute)];

/** What a change writes so the export sweep sees it: the finding pending, due at once. */
export function pendingExportAttributes(findingId: string, nowMs: number): Record<string, string> {
  return { [KEY_ATTRIBUTES.pendingExport]: PENDING_EXPORT, [KEY_ATTRIBUTES.exportDue]: dueKey(nowMs, findingId) };
}

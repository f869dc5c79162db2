import type { Finding } from "@vigil/core";
import type { ExportSink, HistoryEntry } from "@vigil/store-dynamodb";

/** A claimed finding one sink is behind on. */
export interface ExportItem {
  /** As it stands now. */
  finding: Finding;
  /** The stored status history, oldest first: `revision` entries. */
  history: readonly HistoryEntry[];
  /** The finding's status version. */
  revision: number;
  /** The revision this sink has; 0 when it has none. */
  exported: number;
}

export interface TargetOutcome {
  /** Ids the sink now has at their revision. */
  sent: string[];
  /** Ids it does not, each with why: they stay pending and the next sweep sends them again. */
  failed: { id: string; error: string }[];
}

/** Where findings are exported (Security Hub, OCSF on S3): sends a batch and says, per finding, whether it arrived; never throws for one. */
export interface ExportTarget {
  readonly sink: ExportSink;
  send(items: readonly ExportItem[]): Promise<TargetOutcome>;
}

/** The instant of the item's latest stored change (its creation at least); its detectedAt for a finding stored before histories. */
export function lastChangeAt(item: Pick<ExportItem, "finding" | "history">): string {
  return item.history.at(-1)?.at ?? item.finding.detectedAt;
}

/** Every id of `items` failed for the same reason: a call that failed as a whole. */
export function allFailed(items: readonly ExportItem[], error: unknown): TargetOutcome {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { sent: [], failed: items.map(({ finding }) => ({ id: finding.id, error: message })) };
}

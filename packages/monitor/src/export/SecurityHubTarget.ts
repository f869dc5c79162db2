import type { Finding } from "@vigil/core";
import { allFailed, type ExportItem, type ExportTarget, lastChangeAt, type TargetOutcome } from "./ExportTarget.ts";

/** One finding for Security Hub: its state now, when it last changed, and whether its Workflow must be set after the import. */
export interface SecurityHubChange {
  finding: Finding;
  updatedAt: string;
  setWorkflow: boolean;
}

/** What imports findings into Security Hub (@vigil/export's SecurityHubImporter). */
export interface SecurityHubImport {
  import(changes: readonly SecurityHubChange[]): Promise<{ imported: string[]; failed: { id: string; error: string }[] }>;
}

/**
 * Keeps Security Hub in step with each finding's current state. BatchImportFindings sets Workflow
 * only when it creates a finding, so a finding that has changed status since its creation also has
 * its Workflow set with BatchUpdateFindings: always, not only when this sink saw the change, since an
 * import whose record was lost (a crash after Security Hub took it) would otherwise leave it behind.
 * UpdatedAt is the latest change (or, for a posture finding, the latest run that saw it), so each
 * re-import is newer than the one before.
 */
export class SecurityHubTarget implements ExportTarget {
  readonly sink = "securityHub" as const;
  readonly #importer: SecurityHubImport;

  constructor(importer: SecurityHubImport) {
    this.#importer = importer;
  }

  async send(items: readonly ExportItem[]): Promise<TargetOutcome> {
    const changes = items.map(
      (item): SecurityHubChange => ({ finding: item.finding, updatedAt: latest(lastChangeAt(item), item.finding.lastSeenAt), setWorkflow: item.revision > 1 }),
    );
    try {
      const outcome = await this.#importer.import(changes);
      return { sent: outcome.imported, failed: outcome.failed.map(({ id, error }) => ({ id, error })) };
    } catch (error) {
      return allFailed(items, error);
    }
  }
}

function latest(a: string, b: string | undefined): string {
  return b !== undefined && Date.parse(b) > Date.parse(a) ? b : a;
}

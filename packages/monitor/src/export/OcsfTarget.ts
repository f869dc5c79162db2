import { type OcsfFinding, toOcsf } from "@vigil/core";
import { allFailed, type ExportItem, type ExportTarget, lastChangeAt, type TargetOutcome } from "./ExportTarget.ts";

/** What writes OCSF records to S3 as Parquet objects (@vigil/export's S3OcsfWriter); throws when an object could not be written. */
export interface OcsfObjectWriter {
  write(records: readonly OcsfFinding[]): Promise<{ objects: { key: string; rows: number }[] }>;
}

/**
 * Writes one OCSF record per lifecycle change the sink does not have yet (the finding as it was
 * after that change, timed at it), the whole sweep's batch in one object per partition: a busy hour
 * is a few objects, not one per finding. A failed write fails the batch, which the next sweep
 * writes again; rows that reached S3 before a failure may then appear twice, and consumers keep one
 * per finding_info.uid and modified_time.
 */
export class OcsfTarget implements ExportTarget {
  readonly sink = "ocsf" as const;
  readonly #writer: OcsfObjectWriter;
  readonly #version: string;

  /** `version`: Vigil's, for metadata.product.version. */
  constructor(writer: OcsfObjectWriter, version: string) {
    this.#writer = writer;
    this.#version = version;
  }

  /** The records of the changes after `exported`; a finding stored before histories is one record of its state now. */
  records(item: ExportItem): OcsfFinding[] {
    const { finding, history, exported } = item;
    if (history.length === 0) return [toOcsf(finding, { version: this.#version, updatedAt: lastChangeAt(item) })];
    return history.slice(exported).map((entry) => toOcsf({ ...finding, status: entry.to }, { version: this.#version, updatedAt: entry.at }));
  }

  /** A finding that cannot be mapped (toOcsf refuses it) fails alone rather than hold back the batch. */
  async send(items: readonly ExportItem[]): Promise<TargetOutcome> {
    const mapped: ExportItem[] = [];
    const records: OcsfFinding[] = [];
    const unmapped: TargetOutcome["failed"] = [];
    for (const item of items) {
      try {
        records.push(...this.records(item));
        mapped.push(item);
      } catch (error) {
        unmapped.push(...allFailed([item], error).failed);
      }
    }
    if (mapped.length === 0) return { sent: [], failed: unmapped };
    try {
      await this.#writer.write(records);
      return { sent: mapped.map(({ finding }) => finding.id), failed: unmapped };
    } catch (error) {
      return { sent: [], failed: [...allFailed(mapped, error).failed, ...unmapped] };
    }
  }
}

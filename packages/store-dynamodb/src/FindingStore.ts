import { DeliveryOutbox } from "./DeliveryOutbox.ts";
import { FindingReader, type FindingReaderOptions } from "./FindingReader.ts";
import { FindingsTable, type FindingsTableOptions } from "./FindingsTable.ts";
import { FindingTriage } from "./FindingTriage.ts";
import { FindingWriter } from "./FindingWriter.ts";
import { PostureLifecycle } from "./PostureLifecycle.ts";

export interface FindingStoreOptions extends FindingsTableOptions, FindingReaderOptions {}

/**
 * The findings table (see tableDefinition.ts and the package README) by job, every part on one
 * gateway with one clock: a caller takes the parts it needs.
 */
export interface FindingStore {
  table: FindingsTable;
  /** Creates findings, idempotently. */
  writer: FindingWriter;
  /** Gets, lists and counts findings as a person sees them. */
  reader: FindingReader;
  /** Every status change: triage, setStatus, the suppression sweep. */
  triage: FindingTriage;
  /** Each finding's notification leases, per channel. */
  outbox: DeliveryOutbox;
  /** The posture findings across scheduled runs. */
  posture: PostureLifecycle;
}

export function createFindingStore(options: FindingStoreOptions): FindingStore {
  const table = new FindingsTable(options);
  const writer = new FindingWriter(table);
  const triage = new FindingTriage(table);
  return {
    table,
    writer,
    reader: new FindingReader(table, options),
    triage,
    outbox: new DeliveryOutbox(table),
    posture: new PostureLifecycle({ table, writer, triage }),
  };
}

import { BatchGetCommand } from "@aws-sdk/lib-dynamodb";
import { type Finding, findingSchema } from "@vigil/core";
import { InvalidRequestError } from "./errors.ts";
import { isExpired, newFindingItem } from "./findingItem.ts";
import type { FindingsTable, TableClock } from "./FindingsTable.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import { checkLease, type Lease } from "./outbox.ts";
import { EXPIRES_AT_ATTRIBUTE, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface PutFindingsOptions {
  /** The sns lease every finding this call creates is born with, so its creator can publish at once without the retry sweep racing it. */
  claimFor?: Lease;
  /**
   * Read which findings are stored before writing (one BatchGetItem per 100 ids); true when absent.
   * It saves writes when most are stored already (a rescan); a caller whose findings are mostly new
   * (the monitor, one event at a time) passes false and lets the conditional puts decide alone.
   */
  precheck?: boolean;
  /**
   * The CloudTrail records a finding was made from, kept on the item a new finding is born with (at
   * most a few, each cut at a size: see sourceEvents.ts) and read back with its detail. Records
   * whose eventID is not one of the finding's are ignored; a finding already stored keeps what it has.
   */
  sourceEvents?: (finding: Finding) => readonly unknown[] | undefined;
}

export interface PutFindingsResult {
  /** The findings this call wrote, in input order. */
  created: Finding[];
  /** Ids of the others (already stored, or repeated in the input), in input order: every input lands in one list. */
  existing: string[];
}

const BATCH_GET_SIZE = 100;
const BATCH_GET_RETRIES = 3;
const ID = KEY_ATTRIBUTES.id;
/** `id` absent, or present but past its retention: either way, as if TTL had already deleted it. */
const ABSENT = "attribute_not_exists(#id) OR #expiresAt <= :now";

/** Creates findings: idempotent conditional puts on the deterministic id, each new finding born with its history and outbox. */
export class FindingWriter {
  readonly #table: FindingsTable;

  constructor(table: FindingsTable) {
    this.#table = table;
  }

  /**
   * Stores the findings not stored yet and never touches one that is (its status may have been
   * triaged). A finding that is not one (core's findingSchema) fails the whole call before anything
   * is written, with InvalidRequestError naming the field. One BatchGetItem per 100 ids skips the known ones cheaply (unless `precheck` is
   * false); the conditional put is what guarantees that concurrent writers create each finding
   * once. A created finding's sns notification is pending, held by `claimFor.owner` when given:
   * only the creator publishes it.
   */
  async putFindings(findings: readonly Finding[], options: PutFindingsOptions = {}): Promise<PutFindingsResult> {
    const clock = this.#table.clock();
    const claim = options.claimFor;
    if (claim !== undefined) checkLease(claim, clock.ms, "claimFor");
    findings.forEach(checkFinding);
    const created = new Array<boolean>(findings.length).fill(false);
    const firstIndex = new Map<string, number>();
    findings.forEach((finding, index) => {
      if (!firstIndex.has(finding.id)) firstIndex.set(finding.id, index);
    });
    const stored = options.precheck === false ? new Set<string>() : await this.#storedIds([...firstIndex.keys()], clock.seconds);
    const missing = [...firstIndex].filter(([id]) => !stored.has(id)).map(([, index]) => index);
    await mapConcurrent(missing, this.#table.concurrency, async (index) => {
      const finding = findings[index] as Finding;
      created[index] = await this.#putIfAbsent(finding, clock, claim, options.sourceEvents?.(finding));
    });
    const result: PutFindingsResult = { created: [], existing: [] };
    findings.forEach((finding, index) => (created[index] ? result.created.push(finding) : result.existing.push(finding.id)));
    return result;
  }

  /** Ids stored and unexpired. Keys DynamoDB leaves unprocessed after a few retries count as not stored: the conditional put settles them. */
  async #storedIds(ids: readonly string[], nowSeconds: number): Promise<Set<string>> {
    const table = this.#table;
    const stored = new Set<string>();
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += BATCH_GET_SIZE) chunks.push(ids.slice(start, start + BATCH_GET_SIZE));
    await mapConcurrent(chunks, Math.max(1, Math.ceil(table.concurrency / 4)), async (chunk) => {
      let keys: Record<string, unknown>[] = chunk.map((id) => ({ [ID]: id }));
      for (let attempt = 0; keys.length > 0 && attempt <= BATCH_GET_RETRIES; attempt++) {
        if (attempt > 0) await sleep(25 * 2 ** attempt);
        const request = { Keys: keys, ProjectionExpression: "#id, #expiresAt", ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE }, ConsistentRead: true };
        const output = await table.send("checking which findings are stored", (client) => client.send(new BatchGetCommand({ RequestItems: { [table.name]: request } })));
        for (const item of output.Responses?.[table.name] ?? []) {
          if (!isExpired(item, nowSeconds)) stored.add(item[ID] as string);
        }
        keys = (output.UnprocessedKeys?.[table.name]?.Keys ?? []) as Record<string, unknown>[];
      }
    });
    return stored;
  }

  /** False when the finding is already stored (another writer, or an earlier run, got there first). */
  #putIfAbsent(finding: Finding, clock: TableClock, claim: Lease | undefined, sourceEvents: readonly unknown[] | undefined): Promise<boolean> {
    const options = { nowMs: clock.ms, retentionSeconds: this.#table.retentionSeconds, exportChanges: this.#table.exportChanges, ...(claim ? { claim } : {}), ...(sourceEvents ? { sourceEvents } : {}) };
    return this.#table.put(`storing finding ${finding.id}`, {
      Item: newFindingItem(finding, options),
      ConditionExpression: ABSENT,
      ExpressionAttributeNames: { "#id": ID, "#expiresAt": EXPIRES_AT_ATTRIBUTE },
      ExpressionAttributeValues: { ":now": clock.seconds },
    });
  }
}

/** A finding as core's schema has it, or InvalidRequestError naming the field (`findings.3.severity`): nothing malformed is stored. */
function checkFinding(finding: Finding, index: number): void {
  const result = findingSchema.safeParse(finding);
  if (result.success) return;
  const issue = result.error.issues[0];
  throw new InvalidRequestError(["findings", index, ...(issue?.path ?? [])].map(String).join("."), issue?.message ?? "not a finding");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { QueryCommand, type QueryCommandInput } from "@aws-sdk/lib-dynamodb";
import { type Finding, SEVERITIES } from "@vigil/core";
import { type CursorKey, decodeCursor, encodeCursor, queryFingerprint } from "./cursor.ts";
import { StoreError } from "./errors.ts";
import { type FindingItem, fromItem, isExpired } from "./findingItem.ts";
import { type FindingPage, type FindingQuery, type Partition, type PlannedPartition, planQuery } from "./FindingQuery.ts";
import type { FindingsTable } from "./FindingsTable.ts";
import { effectiveStatus, type HistoryEntry, readHistory, SUPPRESSED_UNTIL_ATTRIBUTE } from "./history.ts";
import { mapConcurrent } from "./mapConcurrent.ts";
import { type PartitionRead, readMerged } from "./mergedRead.ts";
import { readSourceEvents, type SourceEvents } from "./sourceEvents.ts";
import { type Expression, filterExpression, keyCondition, type ReadClock } from "./queryExpressions.ts";
import { emptySummary, type FindingSummary, type SummaryOptions, summaryRuleIds } from "./summary.ts";
import { INDEX_NAMES, KEY_ATTRIBUTES } from "./tableDefinition.ts";

export interface FindingReaderOptions {
  /** Signs list cursors; give one wherever cursors reach a caller (the API). */
  cursorSecret?: CursorKey;
  /**
   * Index entries one list page may read before it answers with what it found (fewer than the
   * limit, with a cursor) when filters drop most of them; 1000 when absent.
   */
  pageReadBudget?: number;
}

export interface FindingWithHistory {
  finding: Finding;
  /** Oldest first, the creation included. */
  history: HistoryEntry[];
}

/** The finding's detail as a person reads it: the finding, its history and the CloudTrail records it was made from. */
export interface FindingDetail extends FindingWithHistory, SourceEvents {}

const DEFAULT_PAGE_READ_BUDGET = 1000;
const TIME = KEY_ATTRIBUTES.time;

/**
 * Reads findings as a person sees them: one by one with their history, lists newest first from the
 * indexes, and summary counts. A resolved finding past its retention reads as absent whether or not
 * DynamoDB's TTL has removed it, and a suppression past its expiry reads as open.
 */
export class FindingReader {
  readonly #table: FindingsTable;
  readonly #cursorKey: CursorKey | undefined;
  readonly #pageReadBudget: number;

  constructor(table: FindingsTable, options: FindingReaderOptions = {}) {
    const budget = options.pageReadBudget ?? DEFAULT_PAGE_READ_BUDGET;
    if (!Number.isInteger(budget) || budget < 1) throw new StoreError(`pageReadBudget: expected a positive whole number, got ${budget}`);
    this.#table = table;
    this.#cursorKey = options.cursorSecret;
    this.#pageReadBudget = budget;
  }

  /** The finding as a person sees it, or undefined when there is none (or it is past its retention). */
  async getFinding(id: string): Promise<Finding | undefined> {
    return (await this.getFindingWithHistory(id))?.finding;
  }

  /** The finding and its history, oldest first, from one consistent read; undefined when there is none. */
  async getFindingWithHistory(id: string): Promise<FindingWithHistory | undefined> {
    const clock = this.#table.clock();
    const item = await this.#table.readItem(id, "reading a finding");
    return item && !isExpired(item, clock.seconds) ? { finding: fromItem(item, clock.iso), history: readHistory(item, clock.iso) } : undefined;
  }

  /**
   * The finding, its history and the records of the events behind it that were kept (sourceEvents.ts),
   * with the events whose record was not kept and why; undefined when there is no finding.
   */
  async getFindingDetail(id: string): Promise<FindingDetail | undefined> {
    const clock = this.#table.clock();
    const item = await this.#table.readItem(id, "reading a finding");
    if (!item || isExpired(item, clock.seconds)) return undefined;
    const finding = fromItem(item, clock.iso);
    return { finding, history: readHistory(item, clock.iso), ...readSourceEvents(item, finding) };
  }

  /** Who changed the finding's status, when, how and why, oldest first (its creation by "vigil" is the first entry); undefined when there is no finding. */
  async getHistory(id: string): Promise<HistoryEntry[] | undefined> {
    return (await this.getFindingWithHistory(id))?.history;
  }

  /**
   * One page, newest first, of the findings matching any combination of filters and a time range.
   * The most selective filter picks the index partition(s) (see DRIVING_ORDER), the time range and
   * the cursor bound its sort key, and the other filters are FilterExpressions. Partitions are read
   * from the cursor's position on and merged; reading goes on while filters leave the page short,
   * up to the page read budget, after which the page may be short (even empty) but has a cursor.
   */
  async listFindings(query: FindingQuery = {}): Promise<FindingPage> {
    const plan = planQuery(query);
    const fingerprint = queryFingerprint([this.#table.name, ...plan.parts]);
    const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor, fingerprint, this.#cursorKey);
    const clock = this.#table.clock();
    // The cursor's own item is the inclusive upper bound and is dropped: nothing in DynamoDB's key conditions combines "<" with a lower bound.
    const upperKey = after !== undefined && (plan.upperKey === undefined || after < plan.upperKey) ? after : plan.upperKey;
    // One more than the page: if it exists, there is a next page.
    const { items, resumeBelow } = await readMerged(plan.partitions, plan.limit + 1, this.#pageReadBudget, (planned, startKey, limit) =>
      this.#readPartition(planned, { lowerKey: plan.lowerKey, upperKey, exclude: after, startKey, limit, clock }),
    );
    const page = items.slice(0, plan.limit);
    const position = items.length > plan.limit ? page.at(-1)?.[TIME] : resumeBelow;
    return {
      items: page.map((item) => fromItem(item, clock.iso)),
      ...(position === undefined ? {} : { cursor: encodeCursor(position, fingerprint, this.#cursorKey) }),
    };
  }

  /**
   * Counts of the live findings by severity, by status (as in effect now), by the given rules and
   * by account, in one pass: a Query of each severity partition, never a Scan, reading only each
   * finding's status, suppression end, rule, account and account name, tallied here. It still reads every live finding (what a
   * COUNT Query costs too), so call it for a dashboard, not per finding.
   */
  async summarize(options: SummaryOptions): Promise<FindingSummary> {
    const ruleIds = summaryRuleIds(options);
    const summary = emptySummary(ruleIds);
    const asked = new Set(ruleIds);
    const names = new Map<string, string>();
    const clock = this.#table.clock();
    await mapConcurrent(SEVERITIES, this.#table.concurrency, async (severity) => {
      const partition: Partition = { indexName: INDEX_NAMES.severity, keyAttribute: KEY_ATTRIBUTES.severity, value: severity };
      const input = this.#queryInput(partition, keyCondition(partition, undefined, undefined) as Expression, filterExpression([], clock));
      const items = await this.#table.queryAll("summarizing findings", {
        ...input,
        ProjectionExpression: "#s, #u, #r, #a, #n, #t",
        ExpressionAttributeNames: {
          ...input.ExpressionAttributeNames,
          "#s": "status",
          "#u": SUPPRESSED_UNTIL_ATTRIBUTE,
          "#r": "ruleId",
          "#a": "account",
          "#n": "accountName",
          "#t": TIME,
        },
      });
      for (const item of items) {
        summary.bySeverity[severity] += 1;
        summary.byStatus[effectiveStatus(item, clock.iso)] += 1;
        const ruleId = item.ruleId as string;
        if (asked.has(ruleId)) summary.byRule[ruleId] = (summary.byRule[ruleId] ?? 0) + 1;
        countAccount(names, summary, item);
      }
    });
    return summary;
  }

  /** One Query of a list: matching, unexpired items of one partition between the bounds, newest first, without the cursor's own item. */
  async #readPartition(
    planned: PlannedPartition,
    range: { lowerKey: string | undefined; upperKey: string | undefined; exclude: string | undefined; startKey: Record<string, unknown> | undefined; limit: number; clock: ReadClock },
  ): Promise<PartitionRead> {
    const key = keyCondition(planned.partition, range.lowerKey, range.upperKey);
    if (!key) return { items: [], lastKey: undefined, scanned: 0 };
    const filter = filterExpression(planned.filters, range.clock);
    const output = await this.#table.send("listing findings", (client) =>
      client.send(new QueryCommand({ ...this.#queryInput(planned.partition, key, filter), ScanIndexForward: false, Limit: range.limit, ...(range.startKey ? { ExclusiveStartKey: range.startKey } : {}) })),
    );
    const items = ((output.Items ?? []) as FindingItem[]).filter((item) => item[TIME] !== range.exclude);
    return { items, lastKey: output.LastEvaluatedKey, scanned: output.ScannedCount ?? items.length };
  }

  #queryInput(partition: Partition, key: Expression, filter: Expression): QueryCommandInput {
    return {
      TableName: this.#table.name,
      IndexName: partition.indexName,
      KeyConditionExpression: key.text,
      FilterExpression: filter.text,
      ExpressionAttributeNames: { ...key.names, ...filter.names },
      ExpressionAttributeValues: { ...key.values, ...filter.values },
    };
  }
}

/**
 * One finding in its account's count. An account renamed in Organizations has findings with both
 * names: the newest finding's (by its sort key) is the one shown, the name the account has now.
 */
function countAccount(newest: Map<string, string>, summary: FindingSummary, item: Record<string, unknown>): void {
  const account = item.account;
  if (typeof account !== "string" || account === "") return;
  const entry = (summary.byAccount[account] ??= { count: 0 });
  entry.count += 1;
  const name = item.accountName;
  const time = item[TIME] as string;
  if (typeof name === "string" && name !== "" && time >= (newest.get(account) ?? "")) {
    newest.set(account, time);
    entry.accountName = name;
  }
}

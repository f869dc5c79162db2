import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { atLeast, type Finding, type FindingStatus, type Severity } from "@vigil/core";
import type { FindingQuery } from "@vigil/store-dynamodb";
import { newFindingItem } from "../../../packages/store-dynamodb/src/findingItem.ts";
import { makeFinding, newestFirst } from "./findingFactory.ts";

const BATCH = 25;

/**
 * Writes new findings the way `putFindings` stores them (the store's own item builder), but with
 * unconditional BatchWriteItem calls, several in flight: thousands in a second or two. Only for
 * empty tables: it would overwrite a triaged finding, which is why the store never does this.
 */
export async function seedFindings(
  client: DynamoDBDocumentClient,
  tableName: string,
  findings: readonly Finding[],
  options: { nowMs: number; retentionDays?: number; parallel?: number },
): Promise<void> {
  const retentionSeconds = (options.retentionDays ?? 90) * 86_400;
  const batches: Finding[][] = [];
  for (let start = 0; start < findings.length; start += BATCH) batches.push(findings.slice(start, start + BATCH));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      let requests = batch.map((finding) => ({ PutRequest: { Item: newFindingItem(finding, { nowMs: options.nowMs, retentionSeconds }) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8) throw new Error("seeding: items still unprocessed after 8 retries");
        const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 8 }, worker));
}

export const RULES = ["iam-user-created", "root-activity", "access-key-created", "admin-policy-attached", "console-login-without-mfa", "cloudtrail-tampering"];
export const ACCOUNTS = ["111122223333", "444455556666", "777788889999"];
export const PRINCIPALS = Array.from({ length: 12 }, (_, n) => (n === 0 ? "arn:aws:iam::111122223333:root" : `arn:aws:iam::${ACCOUNTS[n % 3]}:user/person-${n}`));
export const STATUS_MIX: readonly FindingStatus[] = ["open", "open", "open", "acknowledged", "acknowledged", "suppressed", "resolved", "resolved"];
export const SEVERITY_MIX: readonly Severity[] = ["CRITICAL", "HIGH", "HIGH", "MEDIUM", "MEDIUM", "MEDIUM", "LOW", "LOW", "INFO", "INFO"];

/** A small deterministic generator (mulberry32), so a failing case can be replayed. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const BASE_MS = Date.parse("2026-10-01T00:00:00.000Z");
export const SPAN_MS = 30 * 86_400_000;

/**
 * `count` findings over 30 days from 2026-10-01, skewed across rules, principals, resources,
 * accounts, statuses and severities; some without eventTime (their detectedAt counts), some in
 * CloudTrail's format without milliseconds, some sharing an instant (the id breaks the tie).
 */
export function dataset(count: number, seed = 1): Finding[] {
  const next = random(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const instants: number[] = [];
  return Array.from({ length: count }, (_, n) => {
    const tie = instants.length > 0 && next() < 0.05;
    // Half in CloudTrail's whole seconds (`…:09Z`), half with milliseconds (`…:09.123Z`).
    const wholeSecond = next() < 0.5;
    const drawn = BASE_MS + Math.floor(next() * SPAN_MS);
    const ms = tie ? pick(instants) : wholeSecond ? drawn - (drawn % 1000) : drawn;
    instants.push(ms);
    const ruleId = RULES[Math.min(RULES.length - 1, Math.floor(next() ** 2 * RULES.length))]!;
    const principal = PRINCIPALS[Math.min(PRINCIPALS.length - 1, Math.floor(next() ** 1.5 * PRINCIPALS.length))]!;
    const iso = new Date(ms).toISOString();
    const finding = makeFinding(n, {
      id: `${ruleId}:${n.toString(16).padStart(24, "0")}`,
      ruleId,
      severity: pick(SEVERITY_MIX),
      status: pick(STATUS_MIX),
      principal,
      resource: next() < 0.1 ? "*" : `arn:aws:iam::${pick(ACCOUNTS)}:user/target-${Math.floor(next() * 10)}`,
      account: pick(ACCOUNTS),
      eventTime: ms % 1000 === 0 ? iso.replace(".000Z", "Z") : iso,
      detectedAt: new Date(ms + 60_000).toISOString(),
    });
    if (next() < 0.05) delete finding.eventTime;
    return finding;
  });
}

/** The finding's list time in milliseconds: eventTime, else detectedAt (what the store sorts and ranges on). */
export function findingTime(finding: Finding): number {
  return Date.parse(finding.eventTime ?? finding.detectedAt);
}

/** The in-memory answer to a query over findings as they read now (statuses in effect, expired ones already left out). */
export function expectedIds(findings: readonly Finding[], query: FindingQuery): string[] {
  const since = query.since === undefined ? undefined : Date.parse(query.since);
  const until = query.until === undefined ? undefined : Date.parse(query.until);
  return newestFirst(
    findings.filter(
      (finding) =>
        (query.status === undefined || finding.status === query.status) &&
        (query.severity === undefined || atLeast(finding.severity, query.severity)) &&
        (query.ruleId === undefined || finding.ruleId === query.ruleId) &&
        (query.principal === undefined || finding.principal === query.principal) &&
        (query.resource === undefined || finding.resource === query.resource) &&
        (query.account === undefined || finding.account === query.account) &&
        (since === undefined || findingTime(finding) >= since) &&
        (until === undefined || findingTime(finding) < until),
    ),
  ).map((finding) => finding.id);
}

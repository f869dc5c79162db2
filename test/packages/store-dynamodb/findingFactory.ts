import type { Finding } from "@vigil/core";
import { createFindingStore, type FindingStore, type FindingStoreOptions } from "@vigil/store-dynamodb";
import { ensureFindingsTable, ensureStateTable, type RunningDynalite } from "@vigil/store-dynamodb/local";

const BASE_MS = Date.parse("2026-11-01T00:00:00.000Z");

/** A complete finding (every required field of Finding.ts); `n` makes it distinct and sets its time (n minutes after the base). */
export function makeFinding(n: number, overrides: Partial<Finding> = {}): Finding {
  const time = new Date(BASE_MS + n * 60_000).toISOString();
  return {
    id: `iam-user-created:${String(n).padStart(24, "0")}`,
    ruleId: "iam-user-created",
    title: "IAM user created",
    severity: "MEDIUM",
    status: "open",
    eventId: `event-${n}`,
    eventName: "CreateUser",
    eventSource: "iam.amazonaws.com",
    eventTime: time.replace(".000Z", "Z"),
    account: "111122223333",
    region: "us-east-1",
    principal: "arn:aws:iam::111122223333:user/alice",
    resource: `arn:aws:iam::111122223333:user/new-${n}`,
    summary: `alice created new-${n}.`,
    description: "A new IAM user is a new long-lived identity.",
    remediation: "Confirm the user is expected; prefer roles.",
    references: [{ framework: "CIS AWS Foundations Benchmark v3.0.0", id: "1.16", title: "Ensure IAM policies are attached only to groups or roles" }],
    detectedAt: "2026-11-30T12:00:00.000Z",
    ...overrides,
  };
}

/** Newest first as the store promises: eventTime, else detectedAt, then id, both descending. */
export function newestFirst(findings: readonly Finding[]): Finding[] {
  const time = (finding: Finding) => Date.parse(finding.eventTime ?? finding.detectedAt);
  return [...findings].sort((a, b) => time(b) - time(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
}

/** The store's one clock, which a test moves to the instant each call happens at. */
export interface MovableClock {
  ms: number;
  now: () => Date;
}

export function movableClock(ms: number): MovableClock {
  const clock: MovableClock = { ms, now: () => new Date(clock.ms) };
  return clock;
}

let tables = 0;

/** A fresh table per test, so tests share one dynalite without seeing each other's findings. */
export async function freshStore(dynalite: RunningDynalite, options: Partial<FindingStoreOptions> = {}): Promise<FindingStore> {
  const tableName = `findings-${++tables}`;
  await ensureFindingsTable(dynalite.client, tableName);
  return createFindingStore({ client: dynalite.client, tableName, ...options });
}

/** A fresh state table (threshold windows) per test; returns its name. */
export async function freshStateTable(dynalite: RunningDynalite): Promise<string> {
  const tableName = `state-${++tables}`;
  await ensureStateTable(dynalite.client, tableName);
  return tableName;
}

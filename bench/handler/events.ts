import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { catalogue, extractRecords } from "@vigil/core";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { deriveEventPatterns, readOnlyForEventBridge } from "../../stacks/eventPatterns.ts";
import { matchesPattern } from "../../test/stacks/eventPatternMatcher.ts";
import { type CloudTrailRecord, RecordStream } from "../scan/RecordStream.ts";

const RULE_FIXTURES = fileURLToPath(new URL("../../test/fixtures/rules/", import.meta.url));
const QUEUE_ARN = "arn:aws:sqs:us-east-1:111122223333:vigil-events";
/** A fixed start for the generated traffic: the same seed gives the same events in every run. */
const STREAM_SEED = 20261122;
const STREAM_START_MS = Date.parse("2026-11-22T09:00:00.000Z");

const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: "AWS API Call via CloudTrail",
  AwsConsoleSignIn: "AWS Console Sign In via CloudTrail",
  AwsConsoleAction: "AWS Console Action via CloudTrail",
  AwsServiceEvent: "AWS Service Event via CloudTrail",
};

/**
 * `delivered`: the events EventBridge hands Vigil, in the order they happen: the scan benchmark's
 * account traffic, kept where one of the stack's patterns (deriveEventPatterns) matches it.
 * `worst`: 7 of every 10 records are rule positives (each firing at least one rule) under a fresh
 * eventID, so nearly every record stores and publishes new findings; the other 3 are read-only noise.
 */
export type BatchMix = "delivered" | "worst";

export interface BatchOptions {
  batches: number;
  size: number;
  mix: BatchMix;
}

/** How many records of a worst-case batch are read-only noise; the rest come from the rules' positive fixtures. */
const WORST_NOISE_PER_BATCH = 3;

/** Queue batches as the evaluate function receives them: SQS records whose body is the EventBridge event wrapping one CloudTrail record. */
export function buildBatches(options: BatchOptions): SQSEvent[] {
  const next = options.mix === "delivered" ? deliveredEvents() : worstCaseRecords(options.size);
  return Array.from({ length: options.batches }, () => ({ Records: Array.from({ length: options.size }, () => sqsRecord(next())) }));
}

/** The stream's events that the derived patterns deliver; a read-only call only reaches a rule in the state that takes all management events. */
function deliveredEvents(): () => CloudTrailRecord {
  const patterns = deriveEventPatterns(catalogue);
  const stream = new RecordStream({ seed: STREAM_SEED, startMs: STREAM_START_MS });
  return () => {
    for (;;) {
      const record = stream.next();
      const event = eventBridgeEvent(record);
      const readOnly = readOnlyForEventBridge(String(record.eventName));
      if (patterns.some(({ pattern, state }) => (state !== "ENABLED" || !readOnly) && matchesPattern(pattern, event))) return record;
    }
  };
}

/** The positive fixtures in turn, each under a fresh eventID, with read-only noise closing each batch. */
function worstCaseRecords(size: number): () => CloudTrailRecord {
  const positives = positiveRecords();
  const stream = new RecordStream({ seed: STREAM_SEED, startMs: STREAM_START_MS });
  let drawn = 0;
  let positive = 0;
  return () => {
    if (drawn++ % size < size - WORST_NOISE_PER_BATCH) return { ...(positives[positive++ % positives.length] as CloudTrailRecord), eventID: randomUUID() };
    for (;;) {
      const record = stream.next();
      if (record.readOnly === true && record.errorCode === undefined) return record;
    }
  };
}

/** Every CloudTrail record of the positive fixtures, in file order. */
function positiveRecords(): CloudTrailRecord[] {
  const records: CloudTrailRecord[] = [];
  for (const rule of readdirSync(RULE_FIXTURES).sort()) {
    for (const file of readdirSync(join(RULE_FIXTURES, rule)).sort()) {
      if (!file.startsWith("positive-") || !file.endsWith(".json")) continue;
      for (const item of extractRecords(JSON.parse(readFileSync(join(RULE_FIXTURES, rule, file), "utf8")), `${rule}/${file}`)) {
        if (item.kind === "error") throw new Error(`${item.at}: ${item.message}`);
        records.push(item.value as CloudTrailRecord);
      }
    }
  }
  return records;
}

function eventBridgeEvent(record: CloudTrailRecord) {
  const eventType = String(record.eventType ?? "AwsApiCall");
  return {
    version: "0",
    id: randomUUID(),
    "detail-type": DETAIL_TYPES[eventType] ?? DETAIL_TYPES.AwsApiCall,
    source: `aws.${String(record.eventSource).split(".")[0]}`,
    account: String(record.recipientAccountId ?? "111122223333"),
    time: record.eventTime.replace(/\.\d+Z$/, "Z"),
    region: record.awsRegion,
    resources: [],
    detail: record,
  };
}

function sqsRecord(record: CloudTrailRecord): SQSRecord {
  const body = JSON.stringify(eventBridgeEvent(record));
  const sentMs = String(Date.now());
  return {
    messageId: randomUUID(),
    receiptHandle: `AQEB${createHash("sha256").update(body).digest("base64")}`,
    body,
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: sentMs, SenderId: "AIDAIENQZJOLO23YVJ4VO", ApproximateFirstReceiveTimestamp: sentMs },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: QUEUE_ARN,
    awsRegion: "us-east-1",
  };
}

import { createHash, randomUUID } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { extractRecords } from "@vigil/core";
import type { SQSEvent, SQSRecord } from "aws-lambda";
import { type CloudTrailRecord, RecordStream } from "../scan/RecordStream.ts";

const RULE_FIXTURES = fileURLToPath(new URL("../../test/fixtures/rules/", import.meta.url));
const QUEUE_ARN = "arn:aws:sqs:us-east-1:111122223333:vigil-events";
/** A fixed start for the noise stream: the same seed gives the same noise in every run. */
const NOISE_SEED = 20261122;
const NOISE_START_MS = Date.parse("2026-11-22T09:00:00.000Z");

const DETAIL_TYPES: Readonly<Record<string, string>> = {
  AwsApiCall: "AWS API Call via CloudTrail",
  AwsConsoleSignIn: "AWS Console Sign In via CloudTrail",
  AwsConsoleAction: "AWS Console Action via CloudTrail",
  AwsServiceEvent: "AWS Service Event via CloudTrail",
};

export interface BatchOptions {
  batches: number;
  size: number;
  /** How many records of each batch are read-only noise; the rest come from the rules' positive fixtures. */
  noisePerBatch: number;
}

/**
 * Queue batches as the evaluate function receives them: SQS records whose body is the EventBridge
 * event wrapping one CloudTrail record. The records are those of every positive-*.json rule fixture,
 * in turn, mixed with read-only noise from the scan benchmark's generator. Each delivery gets a
 * fresh eventID, so every batch stores and publishes new findings rather than meeting its own.
 */
export function buildBatches(options: BatchOptions): SQSEvent[] {
  const positives = positiveRecords();
  const noise = new RecordStream({ seed: NOISE_SEED, startMs: NOISE_START_MS });
  const nextNoise = () => {
    for (;;) {
      const record = noise.next();
      if (record.readOnly === true && record.errorCode === undefined) return record;
    }
  };
  let next = 0;
  const batches: SQSEvent[] = [];
  for (let batch = 0; batch < options.batches; batch++) {
    const records: SQSRecord[] = [];
    for (let i = 0; i < options.size; i++) {
      const isNoise = i >= options.size - options.noisePerBatch;
      const record = isNoise ? nextNoise() : (positives[next++ % positives.length] as CloudTrailRecord);
      records.push(sqsRecord({ ...record, eventID: randomUUID() }));
    }
    batches.push({ Records: records });
  }
  return batches;
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

function sqsRecord(record: CloudTrailRecord): SQSRecord {
  const eventType = String(record.eventType ?? "AwsApiCall");
  const body = JSON.stringify({
    version: "0",
    id: randomUUID(),
    "detail-type": DETAIL_TYPES[eventType] ?? DETAIL_TYPES.AwsApiCall,
    source: `aws.${String(record.eventSource).split(".")[0]}`,
    account: String(record.recipientAccountId ?? "111122223333"),
    time: record.eventTime.replace(/\.\d+Z$/, "Z"),
    region: record.awsRegion,
    resources: [],
    detail: record,
  });
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

import { BatchWriteCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Finding } from "@vigil/core";
import { KEY_ATTRIBUTES, SWEPT_CHANNEL } from "@vigil/store-dynamodb";
import { newFindingItem } from "../../packages/store-dynamodb/src/findingItem.ts";
import { deliveryAttribute } from "../../packages/store-dynamodb/src/outbox.ts";

const BATCH = 25;
const MAX_RETRIES = 8;

/**
 * Writes findings as the store keeps them once notified (its own item builder, the outbox marked
 * delivered, so the pending index is as empty as a deployed table's), through unconditional
 * BatchWriteItem calls, `inFlight` at once: what the store never does, since it could overwrite a
 * triaged finding, but fine for an empty table. Returns the seconds it took.
 */
export async function seedFindings(
  client: DynamoDBDocumentClient,
  tableName: string,
  findings: readonly Finding[],
  options: { nowMs: number; inFlight: number; retentionDays?: number },
): Promise<number> {
  const retentionSeconds = (options.retentionDays ?? 90) * 86_400;
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    for (let start = next++ * BATCH; start < findings.length; start = next++ * BATCH) {
      let requests = findings.slice(start, start + BATCH).map((finding) => ({ PutRequest: { Item: deliveredItem(finding, options.nowMs, retentionSeconds) } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > MAX_RETRIES) throw new Error(`seeding: items still unprocessed after ${MAX_RETRIES} retries`);
        const output = await client.send(new BatchWriteCommand({ RequestItems: { [tableName]: requests } }));
        requests = (output.UnprocessedItems?.[tableName] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: options.inFlight }, worker));
  return (performance.now() - started) / 1000;
}

function deliveredItem(finding: Finding, nowMs: number, retentionSeconds: number): Record<string, unknown> {
  const item: Record<string, unknown> = newFindingItem(finding, { nowMs, retentionSeconds });
  delete item[KEY_ATTRIBUTES.pendingNotification];
  delete item[KEY_ATTRIBUTES.notificationDue];
  const deliveredAt = new Date(Date.parse(finding.detectedAt) + 1_000).toISOString();
  return {
    ...item,
    [deliveryAttribute(SWEPT_CHANNEL, "Attempts")]: 1,
    [deliveryAttribute(SWEPT_CHANNEL, "DeliveredAt")]: deliveredAt,
    [deliveryAttribute(SWEPT_CHANNEL, "DeliveredBy")]: "bench",
    [deliveryAttribute(SWEPT_CHANNEL, "Reference")]: `message-${finding.id.slice(-12)}`,
  };
}

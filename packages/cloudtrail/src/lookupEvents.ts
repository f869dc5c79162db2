import { type CloudTrailClient, LookupEventsCommand, type LookupEventsCommandOutput } from "@aws-sdk/client-cloudtrail";
import { InputError } from "./errors.ts";

export interface LookupOptions {
  client: CloudTrailClient;
  startTime: Date;
  endTime: Date;
  /** LookupEvents allows 2 requests per second per account and region. */
  requestsPerSecond?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Reads management events live from the CloudTrail LookupEvents API of the client's region,
 * page by page, paced under its request limit. Yields each record (the CloudTrailEvent JSON) parsed.
 */
export async function* lookupEvents(options: LookupOptions): AsyncGenerator<{ value: unknown; at: string }> {
  const { client, startTime, endTime } = options;
  const interval = 1000 / (options.requestsPerSecond ?? 2);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  let nextToken: string | undefined;
  let lastRequest = Number.NEGATIVE_INFINITY;
  let page = 0;
  do {
    const wait = lastRequest + interval - now();
    if (wait > 0) await sleep(wait);
    lastRequest = now();
    page++;
    let response: LookupEventsCommandOutput;
    try {
      response = await client.send(
        new LookupEventsCommand({ StartTime: startTime, EndTime: endTime, MaxResults: 50, ...(nextToken ? { NextToken: nextToken } : {}) }),
      );
    } catch (error) {
      throw new InputError("cloudtrail:LookupEvents", (error as Error).message, { cause: error });
    }
    for (const [index, event] of (response.Events ?? []).entries()) {
      const at = `LookupEvents page ${page} event ${index + 1}${event.EventId ? ` (${event.EventId})` : ""}`;
      if (typeof event.CloudTrailEvent !== "string") {
        yield { value: undefined, at };
        continue;
      }
      try {
        yield { value: JSON.parse(event.CloudTrailEvent), at };
      } catch {
        yield { value: event.CloudTrailEvent, at };
      }
    }
    nextToken = response.NextToken;
  } while (nextToken);
}

import { ActionUsage, type ActionIndex, type ActionResources, dataEventTypesIn, type PrincipalIdentity, madeBy } from "@vigil/core";
import type { InputSource, ReadLimits } from "@vigil/cloudtrail";
import { readSources } from "@vigil/monitor";

export interface UsageStats {
  files: number;
  filesSkipped: number;
  events: number;
  /** Records (and lines) that could not be read as a CloudTrail record. */
  skipped: number;
  /** Records of the principal inside the window. */
  matched: number;
  /** Of `matched`, records without an eventTime: counted whatever the window, since nothing places them outside it. */
  untimed: number;
}

export interface GatherOptions {
  sources: AsyncIterable<InputSource>;
  principal: PrincipalIdentity;
  /** Calls made from `since` up to and including `until`. */
  since: Date;
  until: Date;
  actions: ActionIndex;
  resources: ActionResources;
  readConcurrency?: number;
  limits: ReadLimits;
  /** A located problem: the input is counted and skipped, reading goes on. */
  error(at: string, message: string): void;
}

/**
 * One pass over the archive: the principal's calls in the window into an ActionUsage, and the data
 * event types anyone's records show the trail recorded. Nothing of a record is kept past it.
 */
export async function gatherUsage(options: GatherOptions): Promise<{ usage: ActionUsage; dataEventTypes: Set<string>; stats: UsageStats }> {
  const usage = new ActionUsage(options.actions, options.resources);
  const dataEventTypes = new Set<string>();
  const stats: UsageStats = { files: 0, filesSkipped: 0, events: 0, skipped: 0, matched: 0, untimed: 0 };
  const since = options.since.getTime();
  const until = options.until.getTime();
  const skip = (at: string, message: string) => {
    stats.skipped++;
    options.error(at, message);
  };
  await readSources(
    options.sources,
    {
      unreadable: (name, message) => {
        stats.filesSkipped++;
        options.error(name, message);
      },
      read: () => {
        stats.files++;
      },
      badLine: skip,
      items: (name, items) => {
        for (const item of items) {
          if (item.kind === "error") {
            skip(`${name}: ${item.at}`, item.message);
            continue;
          }
          stats.events++;
          const record = item.value as Record<string, unknown> | null;
          if (record === null || typeof record !== "object" || typeof record.eventSource !== "string" || typeof record.eventName !== "string") {
            skip(`${name}: ${item.at}`, "invalid record: no eventSource or eventName");
            continue;
          }
          for (const type of dataEventTypesIn(record)) dataEventTypes.add(type);
          if (!madeBy(record.userIdentity, options.principal)) continue;
          // CloudTrail always writes eventTime, but published datasets sometimes drop it: such a call
          // still shows the principal used the action, so it counts, and the limits say so.
          const time = typeof record.eventTime === "string" ? Date.parse(record.eventTime) : Number.NaN;
          const timed = !Number.isNaN(time);
          if (timed && (time < since || time > until)) continue;
          stats.matched++;
          if (!timed) stats.untimed++;
          const identity = record.userIdentity as { arn?: unknown; accountId?: unknown };
          usage.add({
            eventSource: record.eventSource,
            eventName: record.eventName,
            eventTime: timed ? new Date(time).toISOString() : undefined,
            errorCode: stringOf(record.errorCode),
            errorMessage: stringOf(record.errorMessage),
            resources: record.resources,
            requestParameters: record.requestParameters,
            context: {
              partition: stringOf(identity.arn)?.split(":")[1] || "aws",
              region: stringOf(record.awsRegion),
              account: stringOf(record.recipientAccountId) ?? stringOf(identity.accountId),
            },
          });
        }
      },
    },
    options.readConcurrency,
    options.limits,
  );
  return { usage, dataEventTypes, stats };
}

const stringOf = (value: unknown): string | undefined => (typeof value === "string" && value !== "" ? value : undefined);

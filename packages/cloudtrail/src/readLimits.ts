import { MiB } from "./limitedRead.ts";

/** How much of one input `vigil scan` reads before it gives up on it. */
export interface ReadLimits {
  /** The most a whole document (a log file, an EventBridge event, a record) may take once decompressed. */
  maxFileSize: number;
  /** The most one line of JSON lines may take; JSON lines stream, so a file of them has no size limit. */
  maxRecordSize: number;
}

/**
 * CloudTrail delivers a trail's events as gzip JSON log files about every five minutes
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-log-file-examples.html),
 * a few MB each even for busy accounts; 256 MiB is far above that and below V8's string limit
 * (~512 MiB), past which JSON.parse could not take the file anyway. One record is at most what
 * an EventBridge event may carry, 256 KB
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-putevent-size.html), so a line of
 * 1 MiB leaves room for an envelope around it.
 */
export const DEFAULT_READ_LIMITS: ReadLimits = { maxFileSize: 256 * MiB, maxRecordSize: 1 * MiB };

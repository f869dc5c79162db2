import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ConfigError, type OcsfFinding } from "@vigil/core";
import * as z from "zod";
import { OcsfPutObjectError } from "./errors.ts";
import { ocsfParquet } from "./ocsfParquet.ts";
import { groupByPartition, ocsfObjectKey, ocsfPrefixSchema } from "./ocsfObjectKey.ts";

/**
 * The registered media type of Parquet (IANA, 2024). Security Lake does not read it, but S3
 * consoles and downloads then say what the object is, where octet-stream says nothing.
 */
export const PARQUET_CONTENT_TYPE = "application/vnd.apache.parquet";

/** S3's naming rules for general purpose buckets, so a mistyped name fails at configuration, not at the first write. */
export const bucketNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "must be 3 to 63 lower-case letters, digits, dots and hyphens, a letter or digit at each end")
  .refine((name) => !name.includes(".."), "must not contain ..")
  .refine((name) => !/^\d+\.\d+\.\d+\.\d+$/.test(name), "must not look like an IP address")
  .refine((name) => !/^(xn--|sthree-|amzn-s3-demo-)/.test(name), "must not start with a prefix S3 reserves")
  .refine((name) => !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name), "must not end with a suffix S3 reserves");

const locationSchema = z.strictObject({ bucket: bucketNameSchema, prefix: ocsfPrefixSchema });

// What a default objectId (a UUID) and a caller's must look like: key-safe, and short enough that
// `YYYYMMDDTHHMMSSZ-<id>.parquet` stays within OBJECT_NAME_MAX_LENGTH.
const OBJECT_ID = /^[A-Za-z0-9-]{1,64}$/;

export interface S3OcsfWriterOptions {
  client: S3Client;
  bucket: string;
  /** Key prefix of the custom source, e.g. `ext/vigil` (Security Lake's `ext/<source>`); may be empty. */
  prefix: string;
  now: () => Date;
  /** Makes each write's object names unique between writers; a random UUID when absent. */
  objectId?: () => string;
}

/** What one write put: an object per partition, with the rows it holds. */
export interface OcsfWriteResult {
  objects: { key: string; rows: number }[];
}

/**
 * Writes OCSF records to S3 as a Security Lake custom source does: one Parquet object per
 * partition (region, account, UTC day of `time`) per call, under
 * `<prefix>/region=<region>/accountId=<accountId>/eventDay=<YYYYMMDD>/`, named
 * `<now as YYYYMMDDTHHMMSSZ>-<objectId>.parquet` so names sort by time and concurrent writers never
 * overwrite each other's objects.
 *
 * Delivery is at-least-once: a failed PutObject throws OcsfPutObjectError and the caller writes the
 * whole batch again later, so objects put before the failure hold rows that come again in the
 * retry's objects. Consumers dedupe on `finding_info.uid` + `finding_info.modified_time`.
 */
export class S3OcsfWriter {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #prefix: string;
  readonly #now: () => Date;
  readonly #objectId: () => string;

  /** @throws ConfigError naming the bucket or prefix rule broken. */
  constructor(options: S3OcsfWriterOptions) {
    const parsed = locationSchema.safeParse({ bucket: options.bucket, prefix: options.prefix });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new ConfigError(`S3 OCSF export: ${issue?.path.map(String).join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
    }
    this.#client = options.client;
    this.#bucket = parsed.data.bucket;
    this.#prefix = parsed.data.prefix;
    this.#now = options.now;
    this.#objectId = options.objectId ?? randomUUID;
  }

  /**
   * Puts the records, an object per partition, all at once (a batch spans few partitions).
   *
   * @throws OcsfPartitionError for a record without a valid account or region; nothing is written then.
   * @throws OcsfPutObjectError naming the bucket and key of the first PutObject that failed.
   */
  async write(records: readonly OcsfFinding[]): Promise<OcsfWriteResult> {
    const groups = groupByPartition(records);
    const name = this.#objectName();
    const objects = groups.map((group) => ({ key: ocsfObjectKey(this.#prefix, group.partition, name), records: group.records }));
    await Promise.all(objects.map(({ key, records: rows }) => this.#put(key, ocsfParquet(rows))));
    return { objects: objects.map(({ key, records: rows }) => ({ key, rows: rows.length })) };
  }

  #objectName(): string {
    const id = this.#objectId();
    if (!OBJECT_ID.test(id)) throw new ConfigError(`S3 OCSF export: objectId "${id}" must be 1 to 64 letters, digits and hyphens`);
    const time = this.#now().toISOString().replace(/\.\d{3}Z$/, "Z").replaceAll(/[-:]/g, "");
    return `${time}-${id}.parquet`;
  }

  async #put(key: string, body: Uint8Array): Promise<void> {
    try {
      await this.#client.send(new PutObjectCommand({ Bucket: this.#bucket, Key: key, Body: body, ContentType: PARQUET_CONTENT_TYPE }));
    } catch (error) {
      throw new OcsfPutObjectError(this.#bucket, key, { cause: error });
    }
  }
}

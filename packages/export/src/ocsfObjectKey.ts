import type { OcsfFinding } from "@vigil/core";
import * as z from "zod";
import { OcsfPartitionError } from "./errors.ts";

/** The Hive-style partition Security Lake reads a custom source's objects by. */
export interface OcsfPartition {
  region: string;
  accountId: string;
  /** `YYYYMMDD`, the UTC day of the record's `time`. */
  eventDay: string;
}

// The longest tail a key gets after the prefix: `/region=` + 32 + `/accountId=` + 12 + `/eventDay=` + 8
// + `/` + an object name (OBJECT_NAME_MAX_LENGTH). The prefix gets what is left of S3's 1024 bytes.
export const OBJECT_NAME_MAX_LENGTH = 96;
const REGION = /^[a-z0-9-]{1,32}$/;
const ACCOUNT_ID = /^\d{12}$/;
const TAIL_MAX_LENGTH = "/region=".length + 32 + "/accountId=".length + 12 + "/eventDay=".length + 8 + 1 + OBJECT_NAME_MAX_LENGTH;
export const OCSF_PREFIX_MAX_LENGTH = 1024 - 1 - TAIL_MAX_LENGTH;

/**
 * The key prefix of a custom source (Security Lake's `ext/<source>/` for one it created): empty, or
 * folders of S3's safe key characters (letters, digits, `!-_.*'()`), a trailing `/` optional. No
 * leading `/`, empty folder or `.`/`..` folder, so keys are the plain paths Security Lake's crawler
 * and Athena expect; ASCII, so its length is its byte count.
 */
export const ocsfPrefixSchema = z
  .string()
  .max(OCSF_PREFIX_MAX_LENGTH, `must be at most ${OCSF_PREFIX_MAX_LENGTH} characters, so keys stay under S3's 1024 bytes`)
  .regex(/^[A-Za-z0-9!_.*'()/-]*$/, "must hold only letters, digits, / and !-_.*'()")
  .refine((prefix) => !prefix.startsWith("/"), "must not start with /")
  .refine((prefix) => !prefix.includes(".."), "must not contain ..")
  .transform((prefix) => prefix.replace(/\/$/, ""))
  .refine((prefix) => prefix === "" || prefix.split("/").every((folder) => folder !== "" && folder !== "."), "must not have an empty or . folder");

/** The record's partition: the region and account of its `cloud`, the UTC day of its `time`. */
export function ocsfPartition(record: OcsfFinding): OcsfPartition {
  const { region, account } = record.cloud;
  if (!REGION.test(region)) throw new OcsfPartitionError(record.finding_info.uid, `cloud.region "${region}" is not a region name`);
  if (!ACCOUNT_ID.test(account.uid)) throw new OcsfPartitionError(record.finding_info.uid, `cloud.account.uid "${account.uid}" is not a 12-digit account id`);
  const day = new Date(record.time);
  if (Number.isNaN(day.getTime())) throw new OcsfPartitionError(record.finding_info.uid, `time ${record.time} is not a time`);
  return { region, accountId: account.uid, eventDay: day.toISOString().slice(0, 10).replaceAll("-", "") };
}

/** `<prefix>/region=<region>/accountId=<accountId>/eventDay=<YYYYMMDD>/<name>`, the prefix as ocsfPrefixSchema leaves it. */
export function ocsfObjectKey(prefix: string, partition: OcsfPartition, name: string): string {
  const folders = [`region=${partition.region}`, `accountId=${partition.accountId}`, `eventDay=${partition.eventDay}`, name];
  return (prefix === "" ? folders : [prefix, ...folders]).join("/");
}

/** The records by partition, each group in the records' order, the groups in order of first appearance. */
export function groupByPartition(records: readonly OcsfFinding[]): { partition: OcsfPartition; records: OcsfFinding[] }[] {
  const groups = new Map<string, { partition: OcsfPartition; records: OcsfFinding[] }>();
  for (const record of records) {
    const partition = ocsfPartition(record);
    const id = `${partition.region}/${partition.accountId}/${partition.eventDay}`;
    const group = groups.get(id);
    if (group) group.records.push(record);
    else groups.set(id, { partition, records: [record] });
  }
  return [...groups.values()];
}

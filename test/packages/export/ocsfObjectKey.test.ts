import type { OcsfFinding } from "@vigil/core";
import { groupByPartition, OCSF_PREFIX_MAX_LENGTH, ocsfObjectKey, OcsfPartitionError, ocsfPartition, ocsfPrefixSchema } from "@vigil/export";
import { beforeAll, describe, expect, it } from "vitest";
import { everyOcsfRecord } from "./duckdbParquet.ts";

let sample: OcsfFinding;
beforeAll(async () => {
  [sample] = (await everyOcsfRecord()) as [OcsfFinding];
});

function at(time: string, account = "111122223333", region = "eu-west-1"): OcsfFinding {
  return { ...sample, time: Date.parse(time), cloud: { ...sample.cloud, region, account: { ...sample.cloud.account, uid: account } } };
}

const partition = { region: "eu-west-1", accountId: "111122223333", eventDay: "20261206" };

describe("Function: ocsfPartition", () => {
  it("takes the day of the record's time in UTC, on either side of midnight", () => {
    expect(ocsfPartition(at("2026-12-06T23:59:59.999Z"))).toEqual(partition);
    expect(ocsfPartition(at("2026-12-07T00:00:00.000Z")).eventDay).toBe("20261207");
    // Half past midnight on the 7th in Paris is still the 6th in UTC.
    expect(ocsfPartition(at("2026-12-07T00:30:00+01:00")).eventDay).toBe("20261206");
    expect(ocsfPartition(at("2026-12-07T01:30:00+01:00")).eventDay).toBe("20261207");
  });

  it("refuses an account or region that cannot go into a key, naming the finding", () => {
    expect(() => ocsfPartition(at("2026-12-06T10:00:00Z", "1111/2222"))).toThrow(OcsfPartitionError);
    expect(() => ocsfPartition(at("2026-12-06T10:00:00Z", "111122223333", "../eu"))).toThrow(`OCSF record ${sample.finding_info.uid}: cloud.region "../eu" is not a region name`);
  });
});

describe("Function: ocsfObjectKey", () => {
  it("puts the partition folders under the prefix, with no leading or doubled slash", () => {
    const keys = ["", "ext/vigil", "ext/vigil/", "ext/vigil/1.0"].map((prefix) => ocsfObjectKey(ocsfPrefixSchema.parse(prefix), partition, "a.parquet"));
    expect(keys).toEqual([
      "region=eu-west-1/accountId=111122223333/eventDay=20261206/a.parquet",
      "ext/vigil/region=eu-west-1/accountId=111122223333/eventDay=20261206/a.parquet",
      "ext/vigil/region=eu-west-1/accountId=111122223333/eventDay=20261206/a.parquet",
      "ext/vigil/1.0/region=eu-west-1/accountId=111122223333/eventDay=20261206/a.parquet",
    ]);
  });
});

describe("Schema: ocsfPrefixSchema", () => {
  it.each([
    ["/ext/vigil", "must not start with /"],
    ["ext//vigil", "must not have an empty or . folder"],
    ["ext/vigil//", "must not have an empty or . folder"],
    ["ext/./vigil", "must not have an empty or . folder"],
    ["ext/../other", "must not contain .."],
    ["ext/vi gil", "must hold only"],
    ["ext/vigil?x=1", "must hold only"],
    ["ext/vïgil", "must hold only"],
    ["a".repeat(OCSF_PREFIX_MAX_LENGTH + 1), "so keys stay under S3's 1024 bytes"],
  ])("refuses %j", (prefix, message) => {
    const parsed = ocsfPrefixSchema.safeParse(prefix);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toContain(message);
  });

  it("keeps the longest key it allows under S3's 1024 bytes", () => {
    const prefix = ocsfPrefixSchema.parse("a".repeat(OCSF_PREFIX_MAX_LENGTH));
    const key = ocsfObjectKey(prefix, { region: "r".repeat(32), accountId: "111122223333", eventDay: "20261206" }, `20261206T101500Z-${"f".repeat(64)}.parquet`);
    expect(Buffer.byteLength(key)).toBeLessThan(1024);
  });
});

describe("Function: groupByPartition", () => {
  it("groups the records by region, account and day, keeping their order", () => {
    const records = [
      at("2026-12-06T10:00:00Z"),
      at("2026-12-06T11:00:00Z", "444455556666"),
      at("2026-12-06T12:00:00Z"),
      at("2026-12-07T00:00:00Z"),
      at("2026-12-06T13:00:00Z", "111122223333", "us-east-1"),
    ];
    const groups = groupByPartition(records);
    expect(groups.map((group) => [group.partition, group.records])).toEqual([
      [partition, [records[0], records[2]]],
      [{ ...partition, accountId: "444455556666" }, [records[1]]],
      [{ ...partition, eventDay: "20261207" }, [records[3]]],
      [{ ...partition, region: "us-east-1" }, [records[4]]],
    ]);
  });
});

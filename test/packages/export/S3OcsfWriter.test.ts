import { GetObjectCommand, HeadObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { ConfigError, type OcsfFinding } from "@vigil/core";
import { OcsfPutObjectError, PARQUET_CONTENT_TYPE, S3OcsfWriter } from "@vigil/export";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type S3rverHandle, startS3rver } from "../cloudtrail/s3rverServer.ts";
import { everyOcsfRecord, readParquet } from "./duckdbParquet.ts";

const BUCKET = "security-lake-custom";
const NOW = new Date("2026-12-07T10:15:00.250Z");

let s3: S3rverHandle;
let client: S3Client;
let records: OcsfFinding[];
beforeAll(async () => {
  s3 = await startS3rver([BUCKET]);
  client = s3.client;
  records = await everyOcsfRecord();
});
afterAll(async () => {
  client.destroy();
  await s3.close();
});

/** The records spread over two accounts and the two days either side of a UTC midnight, in turn. */
function twoAccountsTwoDays(): OcsfFinding[] {
  const accounts = ["111122223333", "444455556666"];
  const times = [Date.parse("2026-12-06T23:59:59.999Z"), Date.parse("2026-12-07T00:00:00.000Z")];
  return records.slice(0, 20).map((record, i) => ({
    ...record,
    time: times[Math.floor(i / 2) % 2] as number,
    cloud: { ...record.cloud, region: "eu-west-1", account: { ...record.cloud.account, uid: accounts[i % 2] as string } },
  }));
}

async function download(key: string): Promise<Uint8Array> {
  const object = await s3.client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
  return object.Body!.transformToByteArray();
}

describe("Class: S3OcsfWriter", () => {
  it("puts one object per account and day, named by the time, each reading back as its records", async () => {
    // Prepare
    const batch = twoAccountsTwoDays();
    const writer = new S3OcsfWriter({ client, bucket: BUCKET, prefix: "ext/vigil/", now: () => NOW, objectId: () => "writer-1" });

    // Act
    const { objects } = await writer.write(batch);

    // Assess
    const folder = (account: string, day: string) => `ext/vigil/region=eu-west-1/accountId=${account}/eventDay=${day}/20261207T101500Z-writer-1.parquet`;
    expect(objects).toEqual([
      { key: folder("111122223333", "20261206"), rows: 5 },
      { key: folder("444455556666", "20261206"), rows: 5 },
      { key: folder("111122223333", "20261207"), rows: 5 },
      { key: folder("444455556666", "20261207"), rows: 5 },
    ]);
    for (const { key } of objects) {
      const [, account, day] = /accountId=(\d+)\/eventDay=(\d+)/.exec(key) ?? [];
      const expected = batch.filter((record) => record.cloud.account.uid === account && new Date(record.time).toISOString().slice(0, 10).replaceAll("-", "") === day);
      expect((await readParquet(await download(key))).rows).toEqual(expected);
    }
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objects[0]!.key }));
    expect(head.ContentType).toBe(PARQUET_CONTENT_TYPE);
  });

  it("gives each write its own object names, so a second writer at the same second overwrites nothing", async () => {
    // Prepare
    const [record] = records as [OcsfFinding];
    const ids = ["a", "b"];
    const writer = new S3OcsfWriter({ client, bucket: BUCKET, prefix: "", now: () => NOW, objectId: () => ids.shift() ?? "c" });

    // Act
    const first = await writer.write([record]);
    const second = await writer.write([record]);

    // Assess
    expect(first.objects[0]?.key).toMatch(/^region=[a-z0-9-]+\/accountId=\d{12}\/eventDay=\d{8}\/20261207T101500Z-a\.parquet$/);
    expect(second.objects[0]?.key).toBe(first.objects[0]?.key.replace("-a.parquet", "-b.parquet"));
  });

  it("puts nothing for no records", async () => {
    const writer = new S3OcsfWriter({ client, bucket: BUCKET, prefix: "ext/vigil", now: () => NOW });
    const before = s3.requests.length;
    expect(await writer.write([])).toEqual({ objects: [] });
    expect(s3.requests.length).toBe(before);
  });

  it("throws OcsfPutObjectError naming the bucket and key, with S3's error as cause, when S3 refuses the PutObject", async () => {
    // Prepare
    const writer = new S3OcsfWriter({ client, bucket: "no-such-lake", prefix: "ext/vigil", now: () => NOW, objectId: () => "w" });
    const [record] = records as [OcsfFinding];

    // Act
    const error = await writer.write([record]).catch((thrown: unknown) => thrown);

    // Assess
    expect(error).toBeInstanceOf(OcsfPutObjectError);
    const refused = error as OcsfPutObjectError;
    expect(refused.bucket).toBe("no-such-lake");
    expect(refused.key).toMatch(/^ext\/vigil\/region=.*\/20261207T101500Z-w\.parquet$/);
    expect(refused.message).toContain(`writing s3://no-such-lake/${refused.key}: NoSuchBucket`);
    expect((refused.cause as Error).name).toBe("NoSuchBucket");
  });

  it.each([
    [{ bucket: "Security_Lake", prefix: "ext" }, "bucket: must be 3 to 63 lower-case letters"],
    [{ bucket: "192.168.1.10", prefix: "ext" }, "bucket: must not look like an IP address"],
    [{ bucket: BUCKET, prefix: "/ext" }, "prefix: must not start with /"],
    [{ bucket: BUCKET, prefix: "ext/../x" }, "prefix: must not contain .."],
  ])("refuses the configuration %j with a ConfigError naming the rule", (location, message) => {
    expect(() => new S3OcsfWriter({ client, ...location, now: () => NOW })).toThrow(ConfigError);
    expect(() => new S3OcsfWriter({ client, ...location, now: () => NOW })).toThrow(message);
  });

  it("refuses an objectId that cannot go into a key", async () => {
    const writer = new S3OcsfWriter({ client, bucket: BUCKET, prefix: "", now: () => NOW, objectId: () => "a/b" });
    await expect(writer.write(records.slice(0, 1))).rejects.toThrow(ConfigError);
  });
});

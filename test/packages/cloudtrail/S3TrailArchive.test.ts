import { gzipSync } from "node:zlib";
import { DEFAULT_READ_LIMITS, type InputSource, InputError, InputTooLargeError, readInput } from "@vigil/cloudtrail";
import { openTrailS3Client, S3TrailArchive, type TrailSelection } from "@vigil/cloudtrail/s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { logFile, logKey, ORG } from "./orgTrail.ts";
import { type S3rverHandle, startS3rver } from "./s3rverServer.ts";

const BUCKET = "trail";
const BOMBS = "bombs";
const ACCOUNT = "111122223333";
const day = (date: string, time: string) => logKey(ACCOUNT, "us-east-1", date, time);
const ALL: TrailSelection = { since: new Date("2026-11-18T00:00:00Z"), until: new Date("2026-11-20T23:59:00Z"), accounts: [], regions: [] };

/** What a scan sees: each source's name, and its content's first bytes or the reason it could not be read. */
async function readAll(sources: AsyncIterable<InputSource>): Promise<{ name: string; read: string }[]> {
  const seen: { name: string; read: string }[] = [];
  for await (const source of sources) {
    try {
      const content = await readInput(source, DEFAULT_READ_LIMITS);
      seen.push({ name: source.name, read: content.format === "document" ? content.text.slice(0, 11) : content.format });
    } catch (error) {
      expect(error).toBeInstanceOf(InputError);
      seen.push({ name: source.name, read: (error as Error).message.slice(source.name.length + 2) });
    }
  }
  return seen;
}

describe("Class: S3TrailArchive (on s3rver)", () => {
  let s3: S3rverHandle;
  let client: Awaited<ReturnType<typeof openTrailS3Client>>;
  const saved = { ...process.env };
  /** The client the CLI makes, from the environment: the credential chain reads process.env when it first signs. */
  const clientWith = async (env: Record<string, string>) => {
    process.env = { ...saved, ...env };
    return openTrailS3Client(process.env);
  };

  beforeAll(async () => {
    s3 = await startS3rver([BUCKET, BOMBS]);
    client = await clientWith(s3.env);
    await s3.put(BUCKET, [
      { key: day("2026/11/18", "0835"), body: logFile(ACCOUNT, "us-east-1", "2026/11/18", "0835") },
      { key: day("2026/11/18", "0840"), body: logFile(ACCOUNT, "us-east-1", "2026/11/18", "0840") },
      { key: day("2026/11/18", "0845"), body: logFile(ACCOUNT, "us-east-1", "2026/11/18", "0845") },
      { key: day("2026/11/18", "0850"), body: logFile(ACCOUNT, "us-east-1", "2026/11/18", "0850") },
      { key: day("2026/11/19", "0835"), body: logFile(ACCOUNT, "us-east-1", "2026/11/19", "0835") },
      { key: day("2026/11/20", "0835"), body: logFile(ACCOUNT, "us-east-1", "2026/11/20", "0835") },
    ]);
    s3.refuse(BUCKET, day("2026/11/18", "0840"), "AccessDenied", "Access Denied");
    s3.refuse(BUCKET, day("2026/11/18", "0845"), "KMS.KMSInvalidStateException", "arn:aws:kms:us-east-1:999988887777:key/1234abcd is pending deletion.", 400);
    s3.refuse(BUCKET, day("2026/11/18", "0850"), "InvalidObjectState", "The operation is not valid for the object's storage class");
    s3.refuseListing(BUCKET, day("2026/11/19", "0835").replace(/[^/]*$/, ""), "AccessDenied", "Access Denied");
  });
  afterAll(async () => {
    process.env = saved;
    client?.destroy();
    await s3?.close();
  });

  it("reads every object in key order, and turns S3's refusals into reasons a user can act on, in place, going on", async () => {
    const archive = await S3TrailArchive.open(client, { bucket: BUCKET, prefix: "" }, ALL);
    const seen = await readAll(archive.sources());
    expect(seen).toEqual([
      { name: `s3://${BUCKET}/${day("2026/11/18", "0835")}`, read: '{"Records":' },
      { name: `s3://${BUCKET}/${day("2026/11/18", "0840")}`, read: "access denied (s3:GetObject refused: Access Denied)" },
      { name: `s3://${BUCKET}/${day("2026/11/18", "0845")}`, read: expect.stringMatching(/^KMS refused to decrypt it \(KMS\.KMSInvalidStateException\): .*pending deletion/) },
      { name: `s3://${BUCKET}/${day("2026/11/18", "0850")}`, read: "archived in a Glacier storage class: restore it before scanning" },
      { name: `s3://${BUCKET}/AWSLogs/${ORG}/${ACCOUNT}/CloudTrail/us-east-1/2026/11/19/`, read: "cannot list: access denied (s3:ListBucket refused: Access Denied)" },
      { name: `s3://${BUCKET}/${day("2026/11/20", "0835")}`, read: '{"Records":' },
    ]);
    expect(archive.progress).toMatchObject({ dayFolders: 3, listedDayFolders: 3, listedObjects: 5 });
    expect(archive.progress.bytesRead).toBeGreaterThan(1000);
  });

  it("stops downloading an object once it inflates past the file limit, naming it and the limit", async () => {
    // 2 GiB of zeros in 2 MB: 32 gzip members of 64 MiB each, one after another.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 32 }, () => member));
    await s3.put(BOMBS, [{ key: day("2026/11/19", "0900"), body: bomb }]);
    const archive = await S3TrailArchive.open(client, { bucket: BOMBS, prefix: "" }, ALL);
    const { value: source } = await archive.sources().next();

    const refused = readInput(source as InputSource, { maxFileSize: 1024 * 1024, maxRecordSize: 1024 });
    await expect(refused).rejects.toThrow(InputTooLargeError);
    await expect(refused).rejects.toThrow(`s3://${BOMBS}/${day("2026/11/19", "0900")}: decompressed size exceeds 1 MiB (--max-file-size); skipped`);
    // The download stopped with the reading: what came is what the streams buffer ahead, not the object.
    expect(archive.progress.bytesRead).toBeLessThan(bomb.length / 4);
  });

  it("fails at once, naming the bucket, when the first listing is refused: nothing could be read", async () => {
    const stranger = await clientWith({ ...s3.env, AWS_ACCESS_KEY_ID: "AKIAUNKNOWN" });
    await expect(S3TrailArchive.open(stranger, { bucket: BUCKET, prefix: "" }, ALL)).rejects.toThrow(
      `s3://${BUCKET}/: cannot list s3://${BUCKET}/AWSLogs/: access denied (s3:ListBucket refused: The AWS Access Key Id you provided does not exist in our records.)`,
    );
    stranger.destroy();
    process.env = { ...saved, ...s3.env };
  });
});

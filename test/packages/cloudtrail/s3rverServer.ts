import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import S3rver, { type ListResult } from "s3rver";
import { DUMMY_ACCOUNT } from "s3rver/lib/models/account.js";
import S3Error from "s3rver/lib/models/error.js";
import { tempDir } from "../../helpers/cli.ts";

/** A request s3rver received, as the tests inspect it. */
export interface RecordedRequest {
  method: string;
  key: string;
  query: URLSearchParams;
}

export interface S3rverHandle {
  endpoint: string;
  /** Where s3rver keeps the objects. */
  directory: string;
  /** The environment that points the CLI at this server with s3rver's fixed credentials. */
  env: Record<string, string>;
  client: S3Client;
  requests: RecordedRequest[];
  /** Keys S3 refuses to serve, with the error code and message it answers (s3rver has no bucket policy or KMS). */
  refuse(bucket: string, key: string, code: string, message: string, status?: number): void;
  /** Prefixes S3 refuses to list, as a policy conditioned on s3:prefix would. */
  refuseListing(bucket: string, prefix: string, code: string, message: string): void;
  put(bucket: string, files: readonly { key: string; body: Buffer }[]): Promise<void>;
  /**
   * Accepts these credentials too, as S3 accepts a function role's that also signs its DynamoDB
   * calls: a handler under test has one set of credentials for every local server.
   */
  acceptCredentials(credentials: { accessKeyId: string; secretAccessKey: string }): void;
  close(): Promise<void>;
}

/**
 * A real S3-protocol server (s3rver) on 127.0.0.1, on a free port, over a fresh directory, with
 * the buckets created. In front of its router sits one layer of ours: it records each request
 * (so a test can check what was listed) and answers `refuse`d keys with S3's own error, thrown as
 * s3rver's S3Error so that status and XML body are s3rver's rendering, as a denying bucket policy
 * or KMS key policy would have S3 answer.
 */
export async function startS3rver(buckets: readonly string[]): Promise<S3rverHandle> {
  const directory = tempDir("vigil-s3rver-");
  const server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory, configureBuckets: buckets.map((name) => ({ name })) });
  fixDelimitedListing(server);
  const requests: RecordedRequest[] = [];
  const refused = new Map<string, { code: string; message: string; status?: number }>();
  server.middleware.unshift(async (ctx, next) => {
    const [bucket = "", ...key] = ctx.path.slice(1).split("/");
    const request = { method: ctx.method, key: decodeURIComponent(key.join("/")), query: new URLSearchParams(ctx.querystring) };
    requests.push(request);
    const listed = request.key === "" && request.query.get("list-type") === "2" ? `list:${bucket}/${request.query.get("prefix") ?? ""}` : `${bucket}/${request.key}`;
    const refusal = ctx.method === "GET" ? refused.get(listed) : undefined;
    // s3rver knows the status of S3's common codes; others (KMS.*) are given theirs.
    if (refusal) throw Object.assign(new S3Error(refusal.code, refusal.message), refusal.status ? { status: refusal.status } : {});
    await next();
  });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({ endpoint, forcePathStyle: true, region: "us-east-1", credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
  return {
    endpoint,
    directory,
    env: { AWS_ENDPOINT_URL_S3: endpoint, AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    client,
    requests,
    refuse: (bucket, key, code, message, status) => refused.set(`${bucket}/${key}`, { code, message, ...(status ? { status } : {}) }),
    refuseListing: (bucket, prefix, code, message) => refused.set(`list:${bucket}/${prefix}`, { code, message }),
    acceptCredentials: ({ accessKeyId, secretAccessKey }) => DUMMY_ACCOUNT.createKeyPair(accessKeyId, secretAccessKey),
    put: async (bucket, files) => {
      for (let i = 0; i < files.length; i += 8) {
        await Promise.all(files.slice(i, i + 8).map(({ key, body }) => client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }))));
      }
    },
    close: async () => {
      client.destroy();
      await server.close();
    },
  };
}

/** The ListObjectsV2 requests made, as `prefix` or `prefix (delimited)`. */
export function listings(requests: readonly RecordedRequest[]): string[] {
  return requests
    .filter((request) => request.method === "GET" && request.key === "" && request.query.get("list-type") === "2")
    .map((request) => `${request.query.get("prefix") ?? ""}${request.query.get("delimiter") ? " (delimited)" : ""}`);
}

/** The keys fetched with GetObject. */
export function downloads(requests: readonly RecordedRequest[]): string[] {
  return requests.filter((request) => request.method === "GET" && request.key !== "").map((request) => request.key);
}

/**
 * s3rver 3.7.1 finds a common prefix only when an object lies right under it: its directory walk
 * stops at any folder below the first delimiter, so listing `AWSLogs/` with Delimiter "/" over
 * `AWSLogs/o-org/111122223333/CloudTrail/...` answers no folders at all, where S3 answers
 * `AWSLogs/o-org/`. This corrects s3rver's store (not anything of ours): a delimited listing walks
 * the prefix whole and folds keys into their common prefixes, as S3 does.
 */
function fixDelimitedListing(server: S3rver): void {
  const list = server.store.listObjects.bind(server.store);
  server.store.listObjects = async (bucket, options) => {
    const { delimiter, prefix = "", maxKeys = Number.POSITIVE_INFINITY } = options;
    if (!delimiter) return list(bucket, options);
    const whole = await list(bucket, { ...options, delimiter: "", maxKeys: Number.POSITIVE_INFINITY });
    const result: ListResult = { objects: [], commonPrefixes: [], isTruncated: false };
    const folders = new Set<string>();
    for (const object of whole.objects) {
      const at = object.key.indexOf(delimiter, prefix.length);
      if (at !== -1) folders.add(object.key.slice(0, at + delimiter.length));
      else if (result.objects.length < maxKeys) result.objects.push(object);
      else result.isTruncated = true;
    }
    result.commonPrefixes = [...folders].sort();
    return result;
  };
}

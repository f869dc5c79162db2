import { S3Client } from "@aws-sdk/client-s3";

/**
 * An S3 client with the caller's credentials (the SDK's default chain) for reading a trail's
 * bucket. `AWS_ENDPOINT_URL_S3` (or `AWS_ENDPOINT_URL`) points it at another server, such as
 * MinIO or a local test server, addressed by path: such servers have no bucket subdomains.
 * The bucket's region need not be the caller's: S3's redirect names it and the client follows.
 */
export async function openTrailS3Client(env: NodeJS.ProcessEnv = process.env): Promise<S3Client> {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL;
  const options = { followRegionRedirects: true, ...(endpoint ? { endpoint, forcePathStyle: true } : {}) };
  const client = new S3Client(options);
  try {
    await client.config.region();
    return client;
  } catch {
    // No region configured: any region reaches the bucket through the redirect, so start from the first.
    client.destroy();
    return new S3Client({ ...options, region: "us-east-1" });
  }
}

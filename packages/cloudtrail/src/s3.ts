// Reading a trail from S3 loads the S3 client: a separate entry, so that every other import of
// this package (and every CLI command that is no S3 scan) starts without it.
export * from "./S3TrailArchive.ts";
export * from "./s3Client.ts";

export * from "./errors.ts";
export * from "./InputSource.ts";
export * from "./lookupEvents.ts";
export * from "./S3TrailArchive.ts";
export * from "./s3Client.ts";
export * from "./s3Location.ts";
export * from "./s3ReadError.ts";
export * from "./trailLayout.ts";

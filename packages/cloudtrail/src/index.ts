export * from "./errors.ts";
export * from "./InputSource.ts";
export * from "./lookupEvents.ts";
export * from "./s3Location.ts";
export * from "./s3ReadError.ts";
export * from "./trailLayout.ts";

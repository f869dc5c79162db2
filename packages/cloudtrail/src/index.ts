export * from "./errors.ts";
export * from "./InputSource.ts";
export * from "./lookupEvents.ts";

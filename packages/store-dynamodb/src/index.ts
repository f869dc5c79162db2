export * from "./errors.ts";
export * from "./tableDefinition.ts";
export * from "./FindingQuery.ts";
export * from "./FindingStore.ts";

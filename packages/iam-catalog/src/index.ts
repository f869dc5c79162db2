export * from "./actionNames.ts";
export * from "./esbuildPlugin.ts";
export * from "./loadActionCatalog.ts";

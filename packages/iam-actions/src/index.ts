export * from "./actionNames.ts";
export * from "./esbuildPlugin.ts";
export * from "./loadActionIndex.ts";
export * from "./loadActionResources.ts";

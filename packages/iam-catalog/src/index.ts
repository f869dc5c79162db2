export * from "./loadActionCatalog.ts";

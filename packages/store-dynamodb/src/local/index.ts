export * from "./startDynalite.ts";
export * from "./ensureFindingsTable.ts";
export * from "./ensureStateTable.ts";

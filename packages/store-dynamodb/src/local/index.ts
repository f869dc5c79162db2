export * from "./startDynalite.ts";
export * from "./ensureFindingsTable.ts";

import { join, resolve } from "node:path";
import { createFindingStore, type FindingStore } from "@vigil/store-dynamodb";
import { ensureFindingsTable, startDynalite } from "@vigil/store-dynamodb/local";

export { DEFAULT_STORE_DIR } from "./storeDir.ts";
const TABLE_NAME = "vigil-findings";

export interface OpenedStore {
  store: FindingStore;
  location: string;
  close(): Promise<void>;
}

/**
 * The embedded store: dynalite (DynamoDB's wire protocol, in-process) on disk under `dir`, with
 * the same table design the deployed monitor uses. `memory` keeps nothing after the process.
 */
export async function openStore(option: string): Promise<OpenedStore> {
  const path = option === "memory" ? undefined : join(resolve(option), "dynamodb");
  const dynalite = await startDynalite(path ? { path } : {});
  try {
    await ensureFindingsTable(dynalite.client, TABLE_NAME);
  } catch (error) {
    await dynalite.close();
    throw error;
  }
  return {
    store: createFindingStore({ client: dynalite.client, tableName: TABLE_NAME }),
    location: path ?? "memory",
    close: () => dynalite.close(),
  };
}

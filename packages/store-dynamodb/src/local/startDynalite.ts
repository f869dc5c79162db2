import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { StoreError } from "../errors.ts";
import { lockStore, type StoreLock } from "./storeLock.ts";

export interface StartDynaliteOptions {
  /** Directory for the LevelDB files (created when missing); in memory when absent. */
  path?: string;
}

export interface RunningDynalite {
  /** http://127.0.0.1:<ephemeral port> */
  endpoint: string;
  client: DynamoDBDocumentClient;
  /** Stops the server and closes the database; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * dynalite (DynamoDB's wire protocol over LevelDB) in this process on 127.0.0.1, with tables
 * ready at once. An on-disk `path` is open to one process at a time; a second gets
 * StoreLockedError. No transactions, TTL or streams: the store does not need them.
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<RunningDynalite> {
  const path = options.path === undefined ? undefined : resolve(options.path);
  const lock: StoreLock | undefined = path === undefined ? undefined : await lockStore(path);
  const server = dynalite({ ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  try {
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(0, "127.0.0.1", () => {
        server.off("error", fail);
        done();
      });
    });
  } catch (error) {
    await lock?.release();
    throw new StoreError(`cannot start dynalite: ${(error as Error).message}`, { cause: error });
  }
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const base = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "vigil-local", secretAccessKey: "vigil-local" },
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      client.destroy();
      try {
        await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
      } finally {
        await lock?.release();
      }
    })();
    return closing;
  };
  return { endpoint, client, close };
}

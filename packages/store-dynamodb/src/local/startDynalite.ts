import { randomBytes } from "node:crypto";
import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { resolve } from "node:path";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import dynalite from "dynalite";
import { StoreError } from "../errors.ts";
import { markClosed, markOpen } from "./crashMarker.ts";
import { repairIndexes } from "./repairIndexes.ts";
import { lockStore, type StoreLock } from "./storeLock.ts";

export interface StartDynaliteOptions {
  /** Directory for the LevelDB files (created when missing); in memory when absent. */
  path?: string;
}

export interface RunningDynalite {
  /** http://127.0.0.1:<ephemeral port> */
  endpoint: string;
  client: DynamoDBDocumentClient;
  /**
   * The only credentials the server accepts: an access key id drawn for this run, so another local
   * process (or a web page) cannot read or change findings behind the store's back. Give them to any
   * other client of `endpoint`.
   */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Stops the server and closes the database; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * dynalite (DynamoDB's wire protocol over LevelDB) in this process on 127.0.0.1, with tables
 * ready at once. An on-disk `path` is open to one process at a time; a second gets
 * StoreLockedError. A store the previous process died with open (SIGKILL mid-scan) has its indexes
 * repaired before this returns (see repairIndexes). No transactions, TTL or streams: the store
 * does not need them.
 */
export async function startDynalite(options: StartDynaliteOptions = {}): Promise<RunningDynalite> {
  const path = options.path === undefined ? undefined : resolve(options.path);
  const lock: StoreLock | undefined = path === undefined ? undefined : await lockStore(path);
  const server = dynalite({ ...(path === undefined ? {} : { path }), createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const credentials = { accessKeyId: `VIGIL${randomBytes(16).toString("hex").toUpperCase()}`, secretAccessKey: randomBytes(32).toString("base64") };
  requireAccessKey(server, credentials.accessKeyId);
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
    credentials,
  });
  const client = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
  let closing: Promise<void> | undefined;
  // Set once the store is known whole (repaired if need be): closing before that leaves the crash marker, so the next open repairs.
  let whole = false;
  const close = () => {
    closing ??= (async () => {
      client.destroy();
      try {
        await new Promise<void>((done, fail) => server.close((error) => (error ? fail(error) : done())));
        // Only once the database is closed: a failed close leaves the marker, and the next open checks.
        if (path !== undefined && whole) await markClosed(path);
      } finally {
        await lock?.release();
      }
    })();
    return closing;
  };
  try {
    if (path !== undefined && (await markOpen(path))) await repairIndexes(base);
  } catch (error) {
    await close();
    throw error;
  }
  whole = true;
  return { endpoint, client, credentials, close };
}

/**
 * Puts a check in front of dynalite's handler: a request not signed with `accessKeyId` gets the
 * error DynamoDB gives an unknown key. dynalite checks no signature itself; the key id, random per
 * run and never written anywhere, is what an outsider cannot produce.
 */
function requireAccessKey(server: ReturnType<typeof dynalite>, accessKeyId: string): void {
  const handlers = server.listeners("request") as RequestListener[];
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const credential = /Credential=([^/,\s]+)\//.exec(request.headers.authorization ?? "")?.[1];
    if (credential === accessKeyId) {
      for (const handler of handlers) handler.call(server, request, response);
      return;
    }
    response.writeHead(400, { "content-type": "application/x-amz-json-1.0" });
    response.end(JSON.stringify({ __type: "com.amazonaws.dynamodb.v20120810#UnrecognizedClientException", message: "The security token included in the request is invalid." }));
  });
}

import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { StoreError } from "./errors.ts";
import { STATE_KEY_ATTRIBUTE } from "./stateTableDefinition.ts";
import { EXPIRES_AT_ATTRIBUTE } from "./tableDefinition.ts";

export interface PostureReadLogOptions {
  client: DynamoDBDocumentClient;
  /** The state table (stateTableDefinition.ts). */
  tableName: string;
  /** The clock for `expiresAt`; the wall clock when absent. */
  now?: () => Date;
}

const KEY = "posture#read-log";
/** Two overlapping runs are the most that race; a loser retries on the winner's item. */
const MAX_ATTEMPTS = 5;
/** Kept well past any schedule; should TTL take it, the next run reads in the inventory's order, which is harmless. */
const RETENTION_SECONDS = 90 * 86_400;

/**
 * When each account's posture read last started, for the organization run: one item of the state
 * table (an ISO instant per account id: 40 bytes an account, 400 KB would hold 10,000), written
 * with GetItem and a PutItem conditional on the version read. Merging keeps each account's later
 * instant, so an older run finishing last never moves an account back.
 */
export class PostureReadLog {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;
  readonly #now: () => Date;

  constructor(options: PostureReadLogOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    this.#client = options.client;
    this.#tableName = options.tableName;
    this.#now = options.now ?? (() => new Date());
  }

  async load(): Promise<Record<string, string>> {
    return (await this.#read()).startedAt;
  }

  async record(startedAt: Record<string, string>): Promise<void> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const current = await this.#read();
      const merged = { ...current.startedAt };
      for (const [account, at] of Object.entries(startedAt)) if ((merged[account] ?? "") < at) merged[account] = at;
      if (await this.#write(merged, current.version)) return;
    }
    throw new StoreError(`the posture read log changed ${MAX_ATTEMPTS} times while this run was recording it; try again`);
  }

  async #read(): Promise<{ startedAt: Record<string, string>; version: number | undefined }> {
    let item: Record<string, unknown> | undefined;
    try {
      item = (await this.#client.send(new GetCommand({ TableName: this.#tableName, Key: { [STATE_KEY_ATTRIBUTE]: KEY }, ConsistentRead: true }))).Item;
    } catch (error) {
      throw storeError("reading the posture read log", this.#tableName, error);
    }
    if (!item) return { startedAt: {}, version: undefined };
    const { startedAt, version } = item;
    const valid =
      typeof version === "number" && typeof startedAt === "object" && startedAt !== null && Object.values(startedAt).every((at) => typeof at === "string");
    if (!valid) throw new StoreError(`the posture read log item is malformed: ${JSON.stringify(item).slice(0, 200)}`);
    return { startedAt: startedAt as Record<string, string>, version };
  }

  async #write(startedAt: Record<string, string>, version: number | undefined): Promise<boolean> {
    const expiresAt = Math.floor(this.#now().getTime() / 1000) + RETENTION_SECONDS;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: { [STATE_KEY_ATTRIBUTE]: KEY, startedAt, version: (version ?? 0) + 1, [EXPIRES_AT_ATTRIBUTE]: expiresAt },
          ...(version === undefined
            ? { ConditionExpression: "attribute_not_exists(#pk)", ExpressionAttributeNames: { "#pk": STATE_KEY_ATTRIBUTE } }
            : { ConditionExpression: "#version = :version", ExpressionAttributeNames: { "#version": "version" }, ExpressionAttributeValues: { ":version": version } }),
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw storeError("recording the posture read log", this.#tableName, error);
    }
  }
}

import { createHash } from "node:crypto";
import { type DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { type OrganizationInventory, organizationInventorySchema } from "@vigil/core";
import { isConditionFailure, storeError } from "./dynamoFailures.ts";
import { StoreError } from "./errors.ts";
import { STATE_KEY_ATTRIBUTE } from "./stateTableDefinition.ts";
import { EXPIRES_AT_ATTRIBUTE } from "./tableDefinition.ts";

export interface OrganizationInventoryStoreOptions {
  client: DynamoDBDocumentClient;
  /** The state table (stateTableDefinition.ts). */
  tableName: string;
  /** Characters of the inventory's JSON per item; DynamoDB's item limit is 400 KB. Tests make it small. */
  chunkCharacters?: number;
}

const POINTER_KEY = "org-inventory";
/** Well under DynamoDB's 400 KB per item, with room for the key and attribute names (JSON of ASCII ids and names; a name may be UTF-8 up to 4 bytes a character). */
const DEFAULT_CHUNK_CHARACTERS = 90_000;
/**
 * TTL (seconds past the write) of what this store writes. The posture run and membership events
 * refresh the inventory daily or more often; one left for a month is stale enough to be dropped.
 * A version's parts outlive its pointer by a day, so a reader that took the pointer finds them.
 */
const POINTER_TTL_SECONDS = 30 * 86_400;
const PART_TTL_SECONDS = POINTER_TTL_SECONDS + 86_400;

interface Pointer {
  version: string;
  parts: number;
  refreshedAt: string;
}

/**
 * The last inventory read from Organizations, in the state table, so that the evaluate function
 * places an event's account without calling Organizations. An organization of thousands of
 * accounts outgrows one item, so its JSON is cut into parts stored under a version (the hash of
 * the content), then a pointer names the version: a reader never sees half of one version and half
 * of another, without transactions. The pointer is written only over an older inventory (by
 * refreshedAt), so a slow writer never puts back what a newer read replaced. GetItem and PutItem only.
 */
export class OrganizationInventoryStore {
  readonly #client: DynamoDBDocumentClient;
  readonly tableName: string;
  readonly #chunkCharacters: number;

  constructor(options: OrganizationInventoryStoreOptions) {
    if (!options.tableName) throw new StoreError("tableName: expected a table name");
    const chunk = options.chunkCharacters ?? DEFAULT_CHUNK_CHARACTERS;
    if (!(Number.isInteger(chunk) && chunk > 0)) throw new StoreError(`chunkCharacters: expected a positive whole number, got ${chunk}`);
    this.#client = options.client;
    this.tableName = options.tableName;
    this.#chunkCharacters = chunk;
  }

  /** The inventory last saved, or undefined when there is none. @throws StoreError when what is stored is incomplete or not an inventory. */
  async load(): Promise<OrganizationInventory | undefined> {
    const pointer = await this.#get(POINTER_KEY);
    if (!pointer) return undefined;
    const { version, parts } = pointer as unknown as Pointer;
    if (typeof version !== "string" || !(Number.isInteger(parts) && parts > 0)) throw new StoreError(`${POINTER_KEY}: not an inventory pointer`);
    let json = "";
    for (let part = 0; part < parts; part++) {
      const item = await this.#get(partKey(version, part));
      if (typeof item?.data !== "string") throw new StoreError(`${partKey(version, part)}: part ${part + 1} of ${parts} of the inventory is missing`);
      json += item.data;
    }
    let value: unknown;
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new StoreError(`inventory ${version}: not JSON`, { cause: error });
    }
    const parsed = organizationInventorySchema.safeParse(value);
    if (!parsed.success) throw new StoreError(`inventory ${version}: ${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  /** Saves an inventory unless a newer one (by refreshedAt) is already saved. @returns false when a newer one was kept. */
  async save(inventory: OrganizationInventory): Promise<boolean> {
    const valid = organizationInventorySchema.parse(inventory);
    const json = JSON.stringify(valid);
    const version = createHash("sha256").update(json).digest("base64url").slice(0, 32);
    const nowSeconds = Math.floor(Date.parse(valid.refreshedAt) / 1000);
    const parts = Math.max(1, Math.ceil(json.length / this.#chunkCharacters));
    for (let part = 0; part < parts; part++) {
      const data = json.slice(part * this.#chunkCharacters, (part + 1) * this.#chunkCharacters);
      await this.#put({ [STATE_KEY_ATTRIBUTE]: partKey(version, part), data, [EXPIRES_AT_ATTRIBUTE]: nowSeconds + PART_TTL_SECONDS });
    }
    try {
      await this.#put(
        { [STATE_KEY_ATTRIBUTE]: POINTER_KEY, version, parts, refreshedAt: valid.refreshedAt, [EXPIRES_AT_ATTRIBUTE]: nowSeconds + POINTER_TTL_SECONDS },
        {
          ConditionExpression: "attribute_not_exists(#pk) OR #refreshedAt <= :refreshedAt",
          ExpressionAttributeNames: { "#pk": STATE_KEY_ATTRIBUTE, "#refreshedAt": "refreshedAt" },
          ExpressionAttributeValues: { ":refreshedAt": valid.refreshedAt },
        },
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async #get(key: string): Promise<Record<string, unknown> | undefined> {
    try {
      const output = await this.#client.send(new GetCommand({ TableName: this.tableName, Key: { [STATE_KEY_ATTRIBUTE]: key }, ConsistentRead: true }));
      return output.Item;
    } catch (error) {
      throw storeError("reading the organization inventory", this.tableName, error);
    }
  }

  async #put(item: Record<string, unknown>, condition?: Pick<ConstructorParameters<typeof PutCommand>[0], "ConditionExpression" | "ExpressionAttributeNames" | "ExpressionAttributeValues">): Promise<void> {
    try {
      await this.#client.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (isConditionFailure(error)) throw error;
      throw storeError("writing the organization inventory", this.tableName, error);
    }
  }
}

function partKey(version: string, part: number): string {
  return `${POINTER_KEY}#${version}#${part}`;
}

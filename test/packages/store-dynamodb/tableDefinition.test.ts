import { createStateTableInput, createTableInput, FINDINGS_TABLE, STATE_TABLE, type TableDefinition } from "@vigil/store-dynamodb";
import { describe, expect, it } from "vitest";

/** The key attributes a definition's table and indexes use: DynamoDB refuses a definition that declares any other. */
function usedKeys(definition: TableDefinition): string[] {
  return [definition.partitionKey, ...Object.values(definition.globalIndexes).flatMap((index) => [index.partitionKey, index.sortKey])];
}

describe.each([
  ["FINDINGS_TABLE", FINDINGS_TABLE, createTableInput],
  ["STATE_TABLE", STATE_TABLE, createStateTableInput],
] as const)("Definition: %s", (_name, definition, createInput) => {
  it("is plain data the infrastructure stack can iterate", () => {
    expect(JSON.parse(JSON.stringify(definition))).toStrictEqual(definition);
    expect(definition).toMatchObject({ billingMode: "PAY_PER_REQUEST", timeToLiveAttribute: "expiresAt" });
  });

  it("declares exactly the key attributes its table and indexes use", () => {
    expect(new Set(definition.attributes)).toEqual(new Set(usedKeys(definition)));
  });

  it("turns into a CreateTable request with every index", () => {
    const input = createInput("vigil-table");

    expect(input.TableName).toBe("vigil-table");
    expect(input.KeySchema).toEqual([{ AttributeName: definition.partitionKey, KeyType: "HASH" }]);
    expect((input.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName).sort()).toEqual(Object.keys(definition.globalIndexes).sort());
  });
});

describe("Definition: the pending notification index", () => {
  it("is one of the findings table's indexes, so the stack builds it with the others", () => {
    expect(FINDINGS_TABLE.globalIndexes.byPendingNotification).toEqual({ partitionKey: "pkPendingNotification", sortKey: "skNotificationDue", projection: "ALL" });
  });
});

import { PutCommand } from "@aws-sdk/lib-dynamodb";
import type { OrganizationInventory } from "@vigil/core";
import { OrganizationInventoryStore, StoreError } from "@vigil/store-dynamodb";
import { describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { freshStateTable } from "./findingFactory.ts";

const dynalite = useDynalite();

/** An organization of `count` accounts under two OUs, as readOrganizationInventory makes it. */
function inventory(count: number, refreshedAt = "2026-12-05T06:00:00.000Z"): OrganizationInventory {
  return {
    organizationId: "o-a1b2c3d4e5",
    managementAccountId: "111111111111",
    refreshedAt,
    organizationalUnits: [
      { id: "r-ab12", name: "Root" },
      { id: "ou-ab12-11111111", name: "Workloads", parentId: "r-ab12" },
      { id: "ou-ab12-22222222", name: "Sandbox", parentId: "r-ab12" },
    ],
    accounts: Array.from({ length: count }, (_, index) => ({
      id: String(200000000000 + index),
      name: `workload-${index} ünïcode`,
      status: index % 50 === 7 ? "SUSPENDED" : "ACTIVE",
      ouPath: `o-a1b2c3d4e5/r-ab12/ou-ab12-${index % 2 === 0 ? "11111111" : "22222222"}/`,
    })),
  };
}

async function store(options: { chunkCharacters?: number } = {}) {
  const tableName = await freshStateTable(dynalite());
  return new OrganizationInventoryStore({ client: dynalite().client, tableName, ...options });
}

describe("OrganizationInventoryStore", () => {
  it("has nothing before the first save", async () => {
    expect(await (await store()).load()).toBeUndefined();
  });

  it("gives back what it saved, an organization of thousands of accounts split over items below DynamoDB's item limit", async () => {
    const saved = inventory(5000);
    const inventories = await store();
    expect(JSON.stringify(saved).length).toBeGreaterThan(400_000);
    expect(await inventories.save(saved)).toBe(true);
    expect(await inventories.load()).toEqual(saved);
  });

  it("keeps a newer inventory when an older read is saved after it, and takes a newer one over an older", async () => {
    const inventories = await store({ chunkCharacters: 500 });
    const newer = inventory(20, "2026-12-05T07:00:00.000Z");
    const older = inventory(10, "2026-12-05T06:00:00.000Z");
    expect(await inventories.save(newer)).toBe(true);
    expect(await inventories.save(older)).toBe(false);
    expect((await inventories.load())?.accounts).toHaveLength(20);
    expect(await inventories.save(inventory(30, "2026-12-05T08:00:00.000Z"))).toBe(true);
    expect((await inventories.load())?.accounts).toHaveLength(30);
  });

  it("says so when a part of the saved inventory is missing, rather than handing back half an organization", async () => {
    const tableName = await freshStateTable(dynalite());
    const inventories = new OrganizationInventoryStore({ client: dynalite().client, tableName, chunkCharacters: 300 });
    await inventories.save(inventory(10));
    await dynalite().client.send(new PutCommand({ TableName: tableName, Item: { pk: "org-inventory", version: "gone", parts: 2, refreshedAt: "2026-12-05T09:00:00.000Z" } }));
    await expect(inventories.load()).rejects.toThrow(StoreError);
    await expect(inventories.load()).rejects.toThrow(/part 1 of 2 of the inventory is missing/);
  });

  it("refuses to save what is not an inventory", async () => {
    const inventories = await store();
    await expect(inventories.save({ ...inventory(1), organizationId: "not-an-org" })).rejects.toThrow(/organization id/);
  });
});

import type { OrganizationInventory } from "@vigil/core";

/**
 * A small organization's inventory as readOrganizationInventory writes it, for the engine and rule
 * tests: the fixtures' account 111122223333 is its security account, 444455556666 a workload account.
 */
export const INVENTORY: OrganizationInventory = {
  organizationId: "o-a1b2c3d4e5",
  managementAccountId: "111111111111",
  refreshedAt: "2026-11-22T11:00:00.000Z",
  organizationalUnits: [
    { id: "r-ab12", name: "Root" },
    { id: "ou-ab12-securit1", name: "Security", parentId: "r-ab12" },
    { id: "ou-ab12-workload", name: "Workloads", parentId: "r-ab12" },
  ],
  accounts: [
    { id: "111111111111", name: "management", status: "ACTIVE", ouPath: "o-a1b2c3d4e5/r-ab12/" },
    { id: "111122223333", name: "security", status: "ACTIVE", ouPath: "o-a1b2c3d4e5/r-ab12/ou-ab12-securit1/" },
    { id: "444455556666", name: "workload-prod", status: "ACTIVE", ouPath: "o-a1b2c3d4e5/r-ab12/ou-ab12-workload/" },
  ],
};

/** The same organization without one of its accounts (one that left, or one not read yet). */
export function inventoryWithout(accountId: string): OrganizationInventory {
  return { ...INVENTORY, accounts: INVENTORY.accounts.filter((account) => account.id !== accountId) };
}

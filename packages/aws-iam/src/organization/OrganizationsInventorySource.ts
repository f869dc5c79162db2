import type { OrganizationsClient } from "@aws-sdk/client-organizations";
import type { OrganizationInventory } from "@vigil/core";
import { readOrganizationInventory } from "./readOrganizationInventory.ts";

/** The organization's inventory, read from Organizations anew on each `read()` (the monitor's OrganizationSource). */
export class OrganizationsInventorySource {
  readonly #options: { organizations: OrganizationsClient; now: () => Date; sleep?: (ms: number) => Promise<void> };

  constructor(options: { organizations: OrganizationsClient; now: () => Date; sleep?: (ms: number) => Promise<void> }) {
    this.#options = options;
  }

  read(): Promise<OrganizationInventory> {
    return readOrganizationInventory(this.#options);
  }
}

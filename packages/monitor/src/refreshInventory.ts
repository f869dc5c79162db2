import type { OrganizationInventory } from "@vigil/core";
import { MonitorError } from "./errors.ts";
import type { InventoryCache, OrganizationSource } from "./ports.ts";

/** Neither Organizations nor the cache gave the organization's accounts: the run cannot know what to check. */
export class OrganizationUnreadableError extends MonitorError {}

export interface RefreshedInventory {
  inventory: OrganizationInventory;
  /** Organizations, or the cache when Organizations could not be read (`error` says why). */
  source: "organizations" | "cache";
  error?: string;
  /** Organizations was read but the cache could not keep it: the event path places accounts by an older inventory until the next run. */
  saveError?: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The organization's accounts for a posture run: read from Organizations and kept in the cache for
 * the event path; when Organizations cannot be read, the cached inventory, saying so. An inventory
 * of another organization than `organizationId` is refused: the audit roles trust this one.
 *
 * @throws OrganizationUnreadableError when neither gives an inventory of the organization.
 */
export async function refreshInventory(source: OrganizationSource, cache: InventoryCache, organizationId: string): Promise<RefreshedInventory> {
  let inventory: OrganizationInventory;
  try {
    inventory = await source.read();
  } catch (readError) {
    return fromCache(cache, organizationId, readError);
  }
  checkOrganization(inventory, organizationId, "Organizations");
  try {
    await cache.save(inventory);
  } catch (saveError) {
    // The run goes on with the accounts it has; the caller reports the stale cache.
    return { inventory, source: "organizations", saveError: messageOf(saveError) };
  }
  return { inventory, source: "organizations" };
}

async function fromCache(cache: InventoryCache, organizationId: string, readError: unknown): Promise<RefreshedInventory> {
  let cached: OrganizationInventory | undefined;
  try {
    cached = await cache.load();
  } catch (cacheError) {
    throw new OrganizationUnreadableError(`Organizations could not be read (${messageOf(readError)}) nor the cached inventory (${messageOf(cacheError)})`, { cause: readError });
  }
  if (!cached) throw new OrganizationUnreadableError(`Organizations could not be read (${messageOf(readError)}) and no inventory is cached yet`, { cause: readError });
  checkOrganization(cached, organizationId, "the cached inventory");
  return { inventory: cached, source: "cache", error: messageOf(readError) };
}

function checkOrganization(inventory: OrganizationInventory, organizationId: string, where: string): void {
  if (inventory.organizationId !== organizationId) {
    throw new OrganizationUnreadableError(`${where} describes organization ${inventory.organizationId}, not ${organizationId} as configured`);
  }
}

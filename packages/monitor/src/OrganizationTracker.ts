import { type CloudTrailEvent, eventAccount, MEMBERSHIP_EVENT_NAMES, OrganizationDirectory, type OrganizationInventory, succeeded } from "@vigil/core";
import { OrganizationInventoryError } from "./errors.ts";
import type { InventoryCache, OrganizationSource } from "./ports.ts";

/** Minutes an inventory loaded from the cache is used before it is loaded again; another container or the posture run may have read Organizations since. */
export const INVENTORY_CACHE_MS = 5 * 60_000;
/** Least time between two reads of Organizations by one container, however many events ask for one. */
export const REFRESH_INTERVAL_MS = 5 * 60_000;

export interface OrganizationTrackerOptions {
  /** The organization the monitor is configured for: an inventory of another one is refused. */
  organizationId: string;
  source: OrganizationSource;
  cache: InventoryCache;
  now: () => Date;
  cacheMs?: number;
  refreshIntervalMs?: number;
}

/** Why an event asked for Organizations to be read anew. */
export type RefreshReason = "membership-event" | "unknown-account";

/** What tracking one event did about the inventory; undefined when it used what it had. */
export interface InventoryUpdate {
  /** The inventory was (re)loaded from the cache. */
  loaded?: boolean;
  /** Organizations was read anew (and the inventory saved) for this reason. */
  refreshed?: RefreshReason;
  /** Organizations was due to be read for this reason, but this container read it less than the refresh interval ago; the next event after it does. */
  deferred?: RefreshReason;
  /** Loads, reads or saves that failed: evaluation goes on with the inventory held before. */
  failures?: InventoryFailure[];
}

export interface InventoryFailure {
  stage: "load" | "refresh";
  /** What the refresh was for; absent for a load. */
  reason?: RefreshReason;
  error: Error;
}

const MEMBERSHIP_EVENTS: ReadonlySet<string> = new Set(MEMBERSHIP_EVENT_NAMES);

/**
 * Keeps one container's view of the organization: the inventory from the cache (the state table),
 * reloaded every few minutes, and read from Organizations anew when an event says accounts moved or
 * comes from an account the inventory does not know, at most once per refresh interval, so that a
 * storm of events never becomes a storm of Organizations calls. A refresh that was due but deferred
 * is made by the first event after the interval, so a burst of moves is never left half-seen.
 * Concurrent events of a batch share one load and one refresh.
 */
export class OrganizationTracker {
  readonly #options: Required<OrganizationTrackerOptions>;
  #directory: OrganizationDirectory | undefined;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #refreshedAt = Number.NEGATIVE_INFINITY;
  #pending: RefreshReason | undefined;
  #loading: Promise<InventoryUpdate> | undefined;
  #refreshing: Promise<InventoryUpdate> | undefined;

  constructor(options: OrganizationTrackerOptions) {
    this.#options = { cacheMs: INVENTORY_CACHE_MS, refreshIntervalMs: REFRESH_INTERVAL_MS, ...options };
  }

  /** The organization as last loaded or read; undefined until one was. The engine asks for it per event. */
  get directory(): OrganizationDirectory | undefined {
    return this.#directory;
  }

  /** Brings the view up to date for `event` before it is evaluated. Never throws: a failure is reported in the update. */
  async track(event: CloudTrailEvent): Promise<InventoryUpdate | undefined> {
    const now = this.#options.now().getTime();
    const load = now - this.#loadedAt >= this.#options.cacheMs ? await this.#load(now) : undefined;
    const reason = this.#reason(event);
    if (reason) return merge(load, await this.#refresh(reason, now));
    if (this.#pending && now - this.#refreshedAt >= this.#options.refreshIntervalMs) return merge(load, await this.#refresh(this.#pending, now));
    return load;
  }

  #reason(event: CloudTrailEvent): RefreshReason | undefined {
    if (event.eventSource === "organizations.amazonaws.com" && MEMBERSHIP_EVENTS.has(event.eventName) && succeeded(event)) return "membership-event";
    const account = eventAccount(event);
    // Without any inventory every account is unknown; one read is still all a storm gets.
    return this.#directory?.has(account) ? undefined : "unknown-account";
  }

  #load(now: number): Promise<InventoryUpdate> {
    this.#loading ??= (async (): Promise<InventoryUpdate> => {
      try {
        const inventory = await this.#options.cache.load();
        // This container's own read may be newer than what the cache holds (its save failed, or another container saved an older read later).
        const newer = inventory !== undefined && (!this.#directory || Date.parse(inventory.refreshedAt) > Date.parse(this.#directory.inventory.refreshedAt));
        if (newer) this.#use(inventory);
        return { loaded: newer };
      } catch (error) {
        return { failures: [{ stage: "load", error: asError(error) }] };
      } finally {
        // A failed load is not retried by every event either: the cache interval applies.
        this.#loadedAt = now;
        this.#loading = undefined;
      }
    })();
    return this.#loading;
  }

  async #refresh(reason: RefreshReason, now: number): Promise<InventoryUpdate> {
    if (this.#refreshing) return this.#refreshing;
    if (now - this.#refreshedAt < this.#options.refreshIntervalMs) {
      this.#pending = reason;
      return { deferred: reason };
    }
    this.#refreshedAt = now;
    this.#pending = undefined;
    this.#refreshing = (async (): Promise<InventoryUpdate> => {
      try {
        const inventory = await this.#options.source.read();
        // Used at once, saved after: a state table that refuses the write must not cost this container the fresh read.
        this.#use(inventory);
        await this.#options.cache.save(inventory);
        return { refreshed: reason };
      } catch (error) {
        return { failures: [{ stage: "refresh", reason, error: asError(error) }] };
      } finally {
        this.#refreshing = undefined;
      }
    })();
    return this.#refreshing;
  }

  #use(inventory: OrganizationInventory): void {
    if (inventory.organizationId !== this.#options.organizationId) {
      throw new OrganizationInventoryError(`the inventory is of organization ${inventory.organizationId}, the monitor watches ${this.#options.organizationId}`);
    }
    this.#directory = new OrganizationDirectory(inventory);
  }
}

function merge(load: InventoryUpdate | undefined, refresh: InventoryUpdate): InventoryUpdate {
  const failures = [...(load?.failures ?? []), ...(refresh.failures ?? [])];
  return { ...load, ...refresh, ...(failures.length > 0 ? { failures } : {}) };
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

import { ListAccountsForParentCommand, ListRootsCommand, OrganizationsServiceException } from "@aws-sdk/client-organizations";
import { OrganizationsInventorySource } from "@vigil/aws-iam";
import { parseEvent } from "@vigil/core";
import { INVENTORY_CACHE_MS, OrganizationTracker, REFRESH_INTERVAL_MS } from "@vigil/monitor";
import { OrganizationInventoryStore } from "@vigil/store-dynamodb";
import { beforeEach, describe, expect, it } from "vitest";
import { useDynalite } from "../../helpers/dynalite.ts";
import { loadFixture } from "../../helpers/fixtures.ts";
import { mockOrganizations, ORGANIZATION_ID, ouPathOf, type SimulatedOrganization, simulatedOrganization } from "../../helpers/organization.ts";
import { freshStateTable } from "../store-dynamodb/findingFactory.ts";
import { cloudTrailRecord } from "../../functions/lambdaEvents.ts";

const dynalite = useDynalite();
const START = Date.parse("2026-12-05T09:00:00.000Z");

/** A CloudTrail event recorded in `account` (the fixture's account ids rewritten). */
function eventIn(account: string) {
  const record = JSON.stringify(cloudTrailRecord("rules/iam-user-created/positive-by-access-key.json")).replaceAll("111122223333", account);
  return parseEvent(JSON.parse(record));
}
const MOVE_ACCOUNT = parseEvent(loadFixture<{ detail: unknown }>("organizations/move-account-eventbridge.json").detail);

let organization: SimulatedOrganization;
let clock: number;
beforeEach(() => {
  organization = simulatedOrganization(6);
  clock = START;
});

async function setUp() {
  const { client, mock } = mockOrganizations(organization);
  const now = () => new Date(clock);
  const cache = new OrganizationInventoryStore({ client: dynalite().client, tableName: await freshStateTable(dynalite()) });
  const source = new OrganizationsInventorySource({ organizations: client, now, sleep: async () => {} });
  /** Reads of Organizations so far: each read starts with one ListRoots. */
  const reads = () => mock.commandCalls(ListRootsCommand).length;
  return { tracker: new OrganizationTracker({ organizationId: ORGANIZATION_ID, source, cache, now }), cache, source, mock, reads };
}

describe("Class: OrganizationTracker", () => {
  it("places events with the inventory the cache holds, without calling Organizations", async () => {
    const { tracker, cache, source, reads } = await setUp();
    await cache.save(await source.read());
    const readsBefore = reads();

    const update = await tracker.track(eventIn("200000000002"));

    expect(update).toEqual({ loaded: true });
    expect(reads()).toBe(readsBefore);
    expect(tracker.directory?.placement("200000000002")).toEqual({ accountName: "workload-2", ouPath: ouPathOf(organization, "200000000002") });
  });

  it("reads Organizations and saves the inventory when an event comes from an account it does not know, once for a storm of such events", async () => {
    const { tracker, cache, reads } = await setUp();
    organization.accounts.push({ id: "200000000099", name: "just-created", state: "ACTIVE", parentId: "ou-ab12-sandbox1" });

    const updates = await Promise.all(Array.from({ length: 5 }, () => tracker.track(eventIn("200000000099"))));
    clock += REFRESH_INTERVAL_MS - 1;
    const later = await tracker.track(eventIn("999988887777"));

    expect(reads()).toBe(1);
    expect(updates).toContainEqual({ loaded: false, refreshed: "unknown-account" });
    expect(later).toEqual({ deferred: "unknown-account" });
    expect(tracker.directory?.placement("200000000099")?.accountName).toBe("just-created");
    expect((await cache.load())?.accounts.map((account) => account.id)).toContain("200000000099");
  });

  it("reads Organizations anew on a membership event, and makes a deferred read as soon as the interval has passed", async () => {
    const { tracker, reads } = await setUp();
    await tracker.track(eventIn("200000000001"));
    clock += 60_000;
    organization.accounts.find((account: { id: string }) => account.id === "200000000001")!.parentId = "ou-ab12-sandbox1";

    const deferred = await tracker.track(MOVE_ACCOUNT);
    const stillOld = tracker.directory?.placement("200000000001")?.ouPath;
    clock += REFRESH_INTERVAL_MS;
    const caughtUp = await tracker.track(eventIn("200000000002"));

    expect(deferred).toEqual({ deferred: "membership-event" });
    expect(stillOld).toBe(`${ORGANIZATION_ID}/r-ab12/ou-ab12-workload/`);
    expect(caughtUp).toMatchObject({ refreshed: "membership-event" });
    expect(tracker.directory?.placement("200000000001")?.ouPath).toBe(`${ORGANIZATION_ID}/r-ab12/ou-ab12-sandbox1/`);
    expect(reads()).toBe(2);
  });

  it("does not read Organizations for a membership call that AWS refused: it moved nothing", async () => {
    const { tracker, reads } = await setUp();
    await tracker.track(eventIn("200000000001"));
    clock += REFRESH_INTERVAL_MS;
    const refused = parseEvent({ ...loadFixture<{ detail: Record<string, unknown> }>("organizations/move-account-eventbridge.json").detail, errorCode: "AccessDeniedException", errorMessage: "You don't have permissions to access this resource." });

    const update = await tracker.track(refused);

    expect(update).toMatchObject({ loaded: false });
    expect(update).not.toHaveProperty("refreshed");
    expect(reads()).toBe(1);
  });

  it("goes on with the inventory it had when Organizations refuses the read, and reports why", async () => {
    const { tracker, mock } = await setUp();
    await tracker.track(eventIn("200000000001"));
    clock += REFRESH_INTERVAL_MS;
    mock.on(ListAccountsForParentCommand).rejects(
      new OrganizationsServiceException({ name: "TooManyRequestsException", $fault: "client", $metadata: { httpStatusCode: 400 }, message: "Rate exceeded" }),
    );

    const update = await tracker.track(eventIn("777788889999"));

    expect(update?.failures).toEqual([{ stage: "refresh", reason: "unknown-account", error: expect.objectContaining({ message: expect.stringContaining("Rate exceeded") }) }]);
    expect(tracker.directory?.placement("200000000001")?.accountName).toBe("workload-1");
  });

  it("loads the cache again after a few minutes, taking what another container saved, but never an older inventory than its own", async () => {
    const { tracker, cache, source } = await setUp();
    await tracker.track(eventIn("200000000001"));
    const own = tracker.directory?.inventory.refreshedAt;
    organization.accounts.push({ id: "200000000050", name: "from-elsewhere", state: "ACTIVE", parentId: "ou-ab12-prod0001" });
    clock += 1000;
    await cache.save(await source.read());

    const soon = await tracker.track(eventIn("200000000001"));
    clock += INVENTORY_CACHE_MS;
    const reloaded = await tracker.track(eventIn("200000000050"));

    expect(soon).toBeUndefined();
    expect(reloaded).toEqual({ loaded: true });
    expect(tracker.directory?.placement("200000000050")?.accountName).toBe("from-elsewhere");
    expect(Date.parse(tracker.directory?.inventory.refreshedAt ?? "")).toBeGreaterThan(Date.parse(own ?? ""));
  });

  it("refuses an inventory of another organization than the one it watches", async () => {
    const { cache, source } = await setUp();
    await cache.save(await source.read());
    const other = new OrganizationTracker({ organizationId: "o-f9e8d7c6b5", source, cache, now: () => new Date(clock) });

    const update = await other.track(eventIn("200000000001"));

    expect(update?.failures?.map((failure) => [failure.stage, failure.error.name])).toEqual([
      ["load", "OrganizationInventoryError"],
      ["refresh", "OrganizationInventoryError"],
    ]);
    expect(update?.failures?.[0]?.error.message).toContain("o-f9e8d7c6b5");
    expect(other.directory).toBeUndefined();
  });
});

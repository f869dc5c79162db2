import { ExportLeaseLostError, ExportOutbox, type ExportClaim, type FindingStore } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshStore, makeFinding, movableClock } from "./findingFactory.ts";

const NOW = Date.parse("2026-12-01T00:00:00.000Z");
const LEASE = 300_000;
const clock = movableClock(NOW);
beforeEach(() => {
  clock.ms = NOW;
});

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

async function exportingStore(): Promise<{ store: FindingStore; outbox: ExportOutbox }> {
  const store = await freshStore(dynalite, { now: clock.now, exportChanges: true });
  return { store, outbox: new ExportOutbox(store.table, ["securityHub", "ocsf"]) };
}

async function claim(outbox: ExportOutbox, id: string, owner = "sweep-1"): Promise<ExportClaim> {
  const claimed = await outbox.claimExport(id, { owner, leaseMs: LEASE });
  if (typeof claimed === "string") throw new Error(`expected a claim, got ${claimed}`);
  return claimed;
}

describe("Class: ExportOutbox", () => {
  it("lists a new finding at once, and lets it go once every sink has its revision", async () => {
    // Prepare
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(1);
    await store.writer.putFindings([finding]);

    // Act
    clock.ms = NOW + 1000;
    const pending = await outbox.listPendingExports();
    const claimed = await claim(outbox, finding.id);
    await outbox.markExported(finding.id, "securityHub", claimed.revision, "sweep-1");
    await outbox.markExported(finding.id, "ocsf", claimed.revision, "sweep-1");
    const released = await outbox.releaseExport(finding.id, "sweep-1", claimed.revision);

    // Assess
    expect(pending).toEqual([finding.id]);
    expect(claimed).toMatchObject({ finding, revision: 1, exported: { securityHub: 0, ocsf: 0 } });
    expect(claimed.history).toEqual([{ at: new Date(NOW).toISOString(), actor: "vigil", action: "create", from: null, to: "open" }]);
    expect(released).toBe("done");
    clock.ms = NOW + 10 * LEASE;
    expect(await outbox.listPendingExports()).toEqual([]);
    expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
  });

  it("marks nothing pending on a table that does not export", async () => {
    const store = await freshStore(dynalite, { now: clock.now });
    const finding = makeFinding(2);
    await store.writer.putFindings([finding]);
    await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });
    expect(await new ExportOutbox(store.table, ["securityHub"]).listPendingExports()).toEqual([]);
  });

  it("keeps a finding pending when its status changes while the sweep sends the older state, and hands over the newer revision next", async () => {
    // Prepare
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(3);
    await store.writer.putFindings([finding]);
    clock.ms = NOW + 1000;
    const first = await claim(outbox, finding.id);

    // Act: triage acknowledges while the sweep is sending revision 1
    clock.ms = NOW + 2000;
    await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });
    await outbox.markExported(finding.id, "securityHub", first.revision, "sweep-1");
    await outbox.markExported(finding.id, "ocsf", first.revision, "sweep-1");
    const released = await outbox.releaseExport(finding.id, "sweep-1", first.revision);
    clock.ms = NOW + 3000;
    const pendingAfter = await outbox.listPendingExports();
    const second = await claim(outbox, finding.id, "sweep-2");

    // Assess
    expect(released).toBe("pending");
    expect(pendingAfter).toEqual([finding.id]);
    expect(second).toMatchObject({ revision: 2, exported: { securityHub: 1, ocsf: 1 }, finding: { status: "acknowledged" } });
    expect(second.history.map((entry) => entry.to)).toEqual(["open", "acknowledged"]);
  });

  it("stays pending, with the error kept, while one sink fails, and does not send the in-step sink's revision again", async () => {
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(4);
    await store.writer.putFindings([finding]);
    const claimed = await claim(outbox, finding.id);
    await outbox.markExported(finding.id, "ocsf", claimed.revision, "sweep-1");
    expect(await outbox.releaseExport(finding.id, "sweep-1", claimed.revision, new Error("LimitExceededException: slow down"))).toBe("pending");
    clock.ms = NOW + 1000;
    const again = await claim(outbox, finding.id, "sweep-2");
    expect(again.exported).toEqual({ securityHub: 0, ocsf: 1 });
    const item = await store.table.readItem(finding.id);
    expect(item?.exportLastError).toBe("Error: LimitExceededException: slow down");
    expect(item?.exportAttempts).toBe(2);
  });

  it("gives a held finding to nobody else until the lease ends, and then refuses the late holder's records", async () => {
    // Prepare
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(5);
    await store.writer.putFindings([finding]);
    const held = await claim(outbox, finding.id, "slow-sweep");

    // Act
    clock.ms = NOW + LEASE - 1;
    const whileHeld = await outbox.claimExport(finding.id, { owner: "next-sweep", leaseMs: LEASE });
    const listedWhileHeld = await outbox.listPendingExports();
    clock.ms = NOW + LEASE;
    const taken = await claim(outbox, finding.id, "next-sweep");

    // Assess
    expect(whileHeld).toBe("busy");
    expect(listedWhileHeld).toEqual([]);
    expect(taken.revision).toBe(held.revision);
    await expect(outbox.markExported(finding.id, "securityHub", held.revision, "slow-sweep")).rejects.toBeInstanceOf(ExportLeaseLostError);
    await expect(outbox.releaseExport(finding.id, "slow-sweep", held.revision)).rejects.toBeInstanceOf(ExportLeaseLostError);
  });

  it("never moves a sink's record back to an older revision", async () => {
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(6);
    await store.writer.putFindings([finding]);
    await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });
    const claimed = await claim(outbox, finding.id);
    await outbox.markExported(finding.id, "securityHub", 2, "sweep-1");
    await expect(outbox.markExported(finding.id, "securityHub", 1, "sweep-1")).rejects.toBeInstanceOf(ExportLeaseLostError);
    expect((await store.table.readItem(finding.id))?.securityHubExported).toBe(2);
    expect(claimed.revision).toBe(2);
  });

  it("marks every kind of status change pending: triage, the suppression sweep and a posture resolve", async () => {
    const { store, outbox } = await exportingStore();
    const finding = makeFinding(7);
    await store.writer.putFindings([finding]);
    const first = await claim(outbox, finding.id);
    await outbox.markExported(finding.id, "securityHub", first.revision, "sweep-1");
    await outbox.markExported(finding.id, "ocsf", first.revision, "sweep-1");
    expect(await outbox.releaseExport(finding.id, "sweep-1", first.revision)).toBe("done");

    clock.ms = NOW + 1000;
    await store.triage.transition(finding.id, { action: "suppress", actor: "alice", reason: "change window", until: new Date(NOW + 60_000).toISOString() });
    expect(await outbox.listPendingExports()).toEqual([finding.id]);
    const suppressed = await claim(outbox, finding.id);
    await outbox.markExported(finding.id, "securityHub", suppressed.revision, "sweep-1");
    await outbox.markExported(finding.id, "ocsf", suppressed.revision, "sweep-1");
    expect(await outbox.releaseExport(finding.id, "sweep-1", suppressed.revision)).toBe("done");

    clock.ms = NOW + 120_000;
    expect(await store.triage.reopenExpiredSuppressions()).toEqual([finding.id]);
    const reopened = await claim(outbox, finding.id);
    expect(reopened).toMatchObject({ revision: 3, exported: { securityHub: 2, ocsf: 2 }, finding: { status: "open" } });
    expect(reopened.history.map((entry) => entry.action)).toEqual(["create", "suppress", "reopen"]);
  });

  it("answers missing for a finding that is not pending or not stored", async () => {
    const { store, outbox } = await exportingStore();
    expect(await outbox.claimExport("no-such-finding", { owner: "sweep-1", leaseMs: LEASE })).toBe("missing");
    const plain = await freshStore(dynalite, { now: clock.now });
    await plain.writer.putFindings([makeFinding(8)]);
    expect(await new ExportOutbox(plain.table, ["ocsf"]).claimExport(makeFinding(8).id, { owner: "sweep-1", leaseMs: LEASE })).toBe("missing");
    expect(store.table.exportChanges).toBe(true);
  });
});

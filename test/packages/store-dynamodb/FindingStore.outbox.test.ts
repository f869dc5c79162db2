import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DeliveryLeaseLostError, createFindingStore, type FindingStore, StoreError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshStore, makeFinding, movableClock } from "./findingFactory.ts";

const NOW = Date.parse("2026-12-01T00:00:00.000Z");
const LEASE = 60_000;
/** The stores' one clock: each test starts at NOW and moves it to the instant of each call. */
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

const ids = (findings: readonly { id: string }[]) => findings.map((finding) => finding.id);

describe("Class: FindingStore (notification outbox)", () => {
  describe("the creator's path", () => {
    it("creates the finding holding the sns lease, publishes, completes: then nobody can claim it and the sweep never sees it", async () => {
      // Prepare
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);

      // Act
      clock.ms = NOW;
      const put = await store.writer.putFindings([finding], { claimFor: { owner: "lambda-a", leaseMs: LEASE } });
      clock.ms = NOW + 1000;
      const sweptWhileHeld = await store.outbox.listUndelivered();
      clock.ms = NOW + 2000;
      await store.outbox.completeDelivery(finding.id, "sns", { owner: "lambda-a", reference: "sns-message-1" });

      // Assess
      expect(put).toEqual({ created: [finding], existing: [] });
      expect(sweptWhileHeld).toEqual([]);
      clock.ms = NOW + 10 * LEASE;
      expect(await store.outbox.listUndelivered()).toEqual([]);
      clock.ms = NOW + 10 * LEASE;
      expect(await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE })).toBe("delivered");
      expect((await store.outbox.getDeliveries(finding.id))?.sns).toEqual({ delivered: true, attempts: 1, deliveredAt: new Date(NOW + 2000).toISOString(), reference: "sns-message-1" });
      expect(await store.reader.getFinding(finding.id)).toStrictEqual(finding);
      expect((await store.reader.listFindings()).items).toStrictEqual([finding]);
    });

    it("creates and claims a finding once when two invocations put it at the same moment", async () => {
      // Prepare
      const store = await freshStore(dynalite, { now: clock.now });
      const other = createFindingStore({ client: dynalite.client, tableName: store.table.name, now: clock.now });
      const finding = makeFinding(1);

      // Act
      const [first, second] = await Promise.all([
        store.writer.putFindings([finding], { claimFor: { owner: "lambda-a", leaseMs: LEASE } }),
        other.writer.putFindings([finding], { claimFor: { owner: "lambda-b", leaseMs: LEASE } }),
      ]);

      // Assess
      expect([first.created.length, second.created.length].sort()).toEqual([0, 1]);
      expect([...first.existing, ...second.existing]).toEqual([finding.id]);
      const creator = first.created.length === 1 ? "lambda-a" : "lambda-b";
      const loser = creator === "lambda-a" ? "lambda-b" : "lambda-a";
      expect((await store.outbox.getDeliveries(finding.id))?.sns.lease).toEqual({ owner: creator, untilMs: NOW + LEASE });
      clock.ms = NOW;
      expect(await store.outbox.claimDelivery(finding.id, "sns", { owner: loser, leaseMs: LEASE })).toBe("busy");
    });

    it("leaves a finding put without claimFor (the CLI) pending and due at once for the sweep", async () => {
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);

      await store.writer.putFindings([finding]);

      clock.ms = NOW;
      expect(await store.outbox.listUndelivered()).toStrictEqual([finding]);
      expect((await store.outbox.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 0 });
    });
  });

  describe("failures and the retry sweep", () => {
    it("keeps a released finding undelivered with its error, and the sweep finds it and delivers it", async () => {
      // Prepare
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      clock.ms = NOW;
      await store.writer.putFindings([finding], { claimFor: { owner: "lambda-a", leaseMs: LEASE } });

      // Act
      clock.ms = NOW + 1000;
      const released = await store.outbox.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: new Error("SNS Publish throttled") });
      clock.ms = NOW + 1000;
      const swept = await store.outbox.listUndelivered();
      const afterRelease = await store.outbox.getDeliveries(finding.id);
      clock.ms = NOW + 1000;
      const claim = await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE });
      clock.ms = NOW + 2000;
      await store.outbox.completeDelivery(finding.id, "sns", { owner: "sweeper" });

      // Assess
      expect(released).toBe(true);
      expect(swept).toStrictEqual([finding]);
      expect(afterRelease?.sns).toEqual({ delivered: false, attempts: 1, lastError: "Error: SNS Publish throttled" });
      expect(claim).toBe("claimed");
      expect((await store.outbox.getDeliveries(finding.id))?.sns).toMatchObject({ delivered: true, attempts: 2, lastError: "Error: SNS Publish throttled" });
      clock.ms = NOW + 10 * LEASE;
      expect(await store.outbox.listUndelivered()).toEqual([]);
    });

    it("does not let anyone claim a lease someone else holds until it expires; the sweep sees it only then", async () => {
      // Prepare: the creator crashed after the put, holding the lease.
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      clock.ms = NOW;
      await store.writer.putFindings([finding], { claimFor: { owner: "crashed", leaseMs: LEASE } });

      // Act
      clock.ms = NOW + LEASE - 1;
      const sweptBefore = await store.outbox.listUndelivered();
      clock.ms = NOW + LEASE - 1;
      const claimBefore = await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE });
      clock.ms = NOW + LEASE;
      const sweptAt = await store.outbox.listUndelivered();
      clock.ms = NOW + LEASE;
      const claimAt = await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE });

      // Assess
      expect(sweptBefore).toEqual([]);
      expect(claimBefore).toBe("busy");
      expect(ids(sweptAt)).toEqual([finding.id]);
      expect(claimAt).toBe("claimed");
      expect((await store.outbox.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 2, lease: { owner: "sweeper", untilMs: NOW + 2 * LEASE } });
    });

    it("fails the completion of an owner whose lease ran out and was claimed by another, with DeliveryLeaseLostError", async () => {
      // Prepare
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      clock.ms = NOW;
      await store.writer.putFindings([finding], { claimFor: { owner: "slow", leaseMs: LEASE } });
      clock.ms = NOW + LEASE + 1;
      await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE });

      // Act
      clock.ms = NOW + LEASE + 2;
      const failure = await store.outbox.completeDelivery(finding.id, "sns", { owner: "slow" }).catch((error: unknown) => error);
      const released = await store.outbox.releaseDelivery(finding.id, "sns", { owner: "slow", error: "timeout" });

      // Assess
      expect(failure).toBeInstanceOf(DeliveryLeaseLostError);
      expect(failure).toBeInstanceOf(StoreError);
      expect(failure).toMatchObject({ name: "DeliveryLeaseLostError", findingId: finding.id, channel: "sns", owner: "slow" });
      expect(released).toBe(false);
      expect((await store.outbox.getDeliveries(finding.id))?.sns.lease?.owner).toBe("sweeper");
      clock.ms = NOW + LEASE + 3;
      await expect(store.outbox.completeDelivery(finding.id, "sns", { owner: "sweeper" })).resolves.toBeUndefined();
    });

    it("still records the delivery of an owner whose lease ran out when nobody claimed it since, and a repeated completion", async () => {
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      clock.ms = NOW;
      await store.writer.putFindings([finding], { claimFor: { owner: "slow", leaseMs: LEASE } });

      clock.ms = NOW + 5 * LEASE;
      await store.outbox.completeDelivery(finding.id, "sns", { owner: "slow" });
      clock.ms = NOW + 5 * LEASE;
      await store.outbox.completeDelivery(finding.id, "sns", { owner: "slow" });

      expect((await store.outbox.getDeliveries(finding.id))?.sns.delivered).toBe(true);
      clock.ms = NOW + 6 * LEASE;
      expect(await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE })).toBe("delivered");
    });

    it("lists the longest-due findings first, up to the limit, and never those held or delivered", async () => {
      // Prepare: 12 findings released at increasing times, one held, one delivered.
      const store = await freshStore(dynalite, { now: clock.now });
      const findings = Array.from({ length: 14 }, (_, n) => makeFinding(n));
      clock.ms = NOW;
      await store.writer.putFindings(findings, { claimFor: { owner: "lambda-a", leaseMs: LEASE } });
      const released = findings.slice(0, 12).reverse();
      for (const [n, finding] of released.entries()) {
        clock.ms = NOW + n;
        await store.outbox.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: "down" });
      }
      clock.ms = NOW;
      await store.outbox.completeDelivery(findings[13]!.id, "sns", { owner: "lambda-a" });

      // Act
      clock.ms = NOW + 100;
      const page = await store.outbox.listUndelivered({ limit: 5 });
      clock.ms = NOW + 100;
      const all = await store.outbox.listUndelivered();

      // Assess
      expect(ids(page)).toEqual(ids(released.slice(0, 5)));
      expect(ids(all)).toEqual(ids(released));
    });

    it("keeps the error it records short", async () => {
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      clock.ms = NOW;
      await store.writer.putFindings([finding], { claimFor: { owner: "lambda-a", leaseMs: LEASE } });

      await store.outbox.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: new Error(`Bad gateway\n${"<html>".repeat(2000)}`) });

      const lastError = (await store.outbox.getDeliveries(finding.id))?.sns.lastError ?? "";
      expect(lastError.startsWith("Error: Bad gateway <html>")).toBe(true);
      expect(lastError.length).toBeLessThanOrEqual(500);
    });
  });

  describe("the slack channel", () => {
    it("answers a second claim after the post with delivered, so an SQS redelivery does not post twice", async () => {
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);

      clock.ms = NOW;
      const first = await store.outbox.claimDelivery(finding.id, "slack", { owner: "message-1", leaseMs: LEASE });
      clock.ms = NOW + 500;
      await store.outbox.completeDelivery(finding.id, "slack", { owner: "message-1", reference: "1764547200.000100" });
      clock.ms = NOW + 1000;
      const second = await store.outbox.claimDelivery(finding.id, "slack", { owner: "message-1-again", leaseMs: LEASE });

      expect([first, second]).toEqual(["claimed", "delivered"]);
      expect((await store.outbox.getDeliveries(finding.id))?.slack).toMatchObject({ delivered: true, attempts: 1, reference: "1764547200.000100" });
      // The slack channel has no sweep: its state leaves the sns outbox alone.
      expect((await store.outbox.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 0 });
    });

    it("lets one of two concurrent consumers of the same message claim it", async () => {
      const store = await freshStore(dynalite, { now: clock.now });
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);

      clock.ms = NOW;
      const claims = await Promise.all(["consumer-a", "consumer-b"].map((owner) => store.outbox.claimDelivery(finding.id, "slack", { owner, leaseMs: LEASE })));

      expect(claims.sort()).toEqual(["busy", "claimed"]);
    });
  });

  describe("missing findings and bad input", () => {
    it("answers missing for an unknown finding and for a resolved one past its retention, which the sweep skips too", async () => {
      // Prepare
      let now = new Date(NOW);
      const store = await freshStore(dynalite, { resolvedRetentionDays: 1, now: () => now });
      const finding = makeFinding(1);
      await store.writer.putFindings([finding]);
      await store.triage.setStatus(finding.id, "resolved");
      now = new Date(NOW + 2 * 86_400_000);

      // Act
      clock.ms = now.getTime();
      const unknown = await store.outbox.claimDelivery("no-such-finding", "sns", { owner: "sweeper", leaseMs: LEASE });
      clock.ms = now.getTime();
      const expired = await store.outbox.claimDelivery(finding.id, "sns", { owner: "sweeper", leaseMs: LEASE });

      // Assess
      expect([unknown, expired]).toEqual(["missing", "missing"]);
      clock.ms = now.getTime();
      expect(await store.outbox.listUndelivered()).toEqual([]);
      expect(await store.outbox.getDeliveries(finding.id)).toBeUndefined();
      expect(await rawItem(store, "no-such-finding")).toBeUndefined();
    });

    it("refuses to complete or release a finding that is not stored", async () => {
      const store = await freshStore(dynalite, { now: clock.now });

      clock.ms = NOW;
      await expect(store.outbox.completeDelivery("no-such-finding", "slack", { owner: "x" })).rejects.toBeInstanceOf(DeliveryLeaseLostError);
      expect(await store.outbox.releaseDelivery("no-such-finding", "slack", { owner: "x", error: "e" })).toBe(false);
      expect(await rawItem(store, "no-such-finding")).toBeUndefined();
    });

    it.each([
      ["an unknown channel", (store: FindingStore) => store.outbox.claimDelivery("f", "email" as never, { owner: "o", leaseMs: LEASE }), /^channel: expected one of sns, slack, got "email"/],
      ["an empty owner", (store: FindingStore) => store.outbox.claimDelivery("f", "sns", { owner: "", leaseMs: LEASE }), /^lease\.owner: expected a non-empty string/],
      ["a lease of no time", (store: FindingStore) => store.writer.putFindings([makeFinding(1)], { claimFor: { owner: "o", leaseMs: 0 } }), /^claimFor\.leaseMs: expected a positive number/],
      ["a limit out of range", (store: FindingStore) => store.outbox.listUndelivered({ limit: 0 }), /^limit: expected a whole number from 1 to 1000/],
    ])("rejects %s with a StoreError naming the field", async (_case, call, message) => {
      const store = await freshStore(dynalite, { now: clock.now });

      const failure = await call(store).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as Error).message).toMatch(message);
    });
  });
});

async function rawItem(store: FindingStore, id: string): Promise<Record<string, unknown> | undefined> {
  return (await dynalite.client.send(new GetCommand({ TableName: store.table.name, Key: { id } }))).Item;
}

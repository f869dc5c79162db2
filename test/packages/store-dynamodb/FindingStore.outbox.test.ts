import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { DeliveryLeaseLostError, FindingStore, StoreError } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding } from "./findingFactory.ts";

const NOW = Date.parse("2026-12-01T00:00:00.000Z");
const LEASE = 60_000;
/** The store's own clock (retention, the due time of an unclaimed finding) agrees with the injected nowMs. */
const clock = { now: () => new Date(NOW) };

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
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);

      // Act
      const put = await store.putFindings([finding], { claimFor: { owner: "lambda-a", nowMs: NOW, leaseMs: LEASE } });
      const sweptWhileHeld = await store.listUndelivered({ nowMs: NOW + 1000 });
      await store.completeDelivery(finding.id, "sns", { owner: "lambda-a", nowMs: NOW + 2000, reference: "sns-message-1" });

      // Assess
      expect(put).toEqual({ created: [finding], existing: [] });
      expect(sweptWhileHeld).toEqual([]);
      expect(await store.listUndelivered({ nowMs: NOW + 10 * LEASE })).toEqual([]);
      expect(await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + 10 * LEASE, leaseMs: LEASE })).toBe("delivered");
      expect((await store.getDeliveries(finding.id))?.sns).toEqual({ delivered: true, attempts: 1, deliveredAt: new Date(NOW + 2000).toISOString(), reference: "sns-message-1" });
      expect(await store.getFinding(finding.id)).toStrictEqual(finding);
      expect((await store.listFindings()).items).toStrictEqual([finding]);
    });

    it("creates and claims a finding once when two invocations put it at the same moment", async () => {
      // Prepare
      const store = await freshStore(dynalite, clock);
      const other = new FindingStore({ client: dynalite.client, tableName: store.tableName, ...clock });
      const finding = makeFinding(1);

      // Act
      const [first, second] = await Promise.all([
        store.putFindings([finding], { claimFor: { owner: "lambda-a", nowMs: NOW, leaseMs: LEASE } }),
        other.putFindings([finding], { claimFor: { owner: "lambda-b", nowMs: NOW, leaseMs: LEASE } }),
      ]);

      // Assess
      expect([first.created.length, second.created.length].sort()).toEqual([0, 1]);
      expect([...first.existing, ...second.existing]).toEqual([finding.id]);
      const creator = first.created.length === 1 ? "lambda-a" : "lambda-b";
      const loser = creator === "lambda-a" ? "lambda-b" : "lambda-a";
      expect((await store.getDeliveries(finding.id))?.sns.lease).toEqual({ owner: creator, untilMs: NOW + LEASE });
      expect(await store.claimDelivery(finding.id, "sns", { owner: loser, nowMs: NOW, leaseMs: LEASE })).toBe("busy");
    });

    it("leaves a finding put without claimFor (the CLI) pending and due at once for the sweep", async () => {
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);

      await store.putFindings([finding]);

      expect(await store.listUndelivered({ nowMs: NOW })).toStrictEqual([finding]);
      expect((await store.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 0 });
    });
  });

  describe("failures and the retry sweep", () => {
    it("keeps a released finding undelivered with its error, and the sweep finds it and delivers it", async () => {
      // Prepare
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding], { claimFor: { owner: "lambda-a", nowMs: NOW, leaseMs: LEASE } });

      // Act
      const released = await store.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: new Error("SNS Publish throttled"), nowMs: NOW + 1000 });
      const swept = await store.listUndelivered({ nowMs: NOW + 1000 });
      const afterRelease = await store.getDeliveries(finding.id);
      const claim = await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + 1000, leaseMs: LEASE });
      await store.completeDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + 2000 });

      // Assess
      expect(released).toBe(true);
      expect(swept).toStrictEqual([finding]);
      expect(afterRelease?.sns).toEqual({ delivered: false, attempts: 1, lastError: "Error: SNS Publish throttled" });
      expect(claim).toBe("claimed");
      expect((await store.getDeliveries(finding.id))?.sns).toMatchObject({ delivered: true, attempts: 2, lastError: "Error: SNS Publish throttled" });
      expect(await store.listUndelivered({ nowMs: NOW + 10 * LEASE })).toEqual([]);
    });

    it("does not let anyone claim a lease someone else holds until it expires; the sweep sees it only then", async () => {
      // Prepare: the creator crashed after the put, holding the lease.
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding], { claimFor: { owner: "crashed", nowMs: NOW, leaseMs: LEASE } });

      // Act
      const sweptBefore = await store.listUndelivered({ nowMs: NOW + LEASE - 1 });
      const claimBefore = await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + LEASE - 1, leaseMs: LEASE });
      const sweptAt = await store.listUndelivered({ nowMs: NOW + LEASE });
      const claimAt = await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + LEASE, leaseMs: LEASE });

      // Assess
      expect(sweptBefore).toEqual([]);
      expect(claimBefore).toBe("busy");
      expect(ids(sweptAt)).toEqual([finding.id]);
      expect(claimAt).toBe("claimed");
      expect((await store.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 2, lease: { owner: "sweeper", untilMs: NOW + 2 * LEASE } });
    });

    it("fails the completion of an owner whose lease ran out and was claimed by another, with DeliveryLeaseLostError", async () => {
      // Prepare
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding], { claimFor: { owner: "slow", nowMs: NOW, leaseMs: LEASE } });
      await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + LEASE + 1, leaseMs: LEASE });

      // Act
      const failure = await store.completeDelivery(finding.id, "sns", { owner: "slow", nowMs: NOW + LEASE + 2 }).catch((error: unknown) => error);
      const released = await store.releaseDelivery(finding.id, "sns", { owner: "slow", error: "timeout" });

      // Assess
      expect(failure).toBeInstanceOf(DeliveryLeaseLostError);
      expect(failure).toBeInstanceOf(StoreError);
      expect(failure).toMatchObject({ name: "DeliveryLeaseLostError", findingId: finding.id, channel: "sns", owner: "slow" });
      expect(released).toBe(false);
      expect((await store.getDeliveries(finding.id))?.sns.lease?.owner).toBe("sweeper");
      await expect(store.completeDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + LEASE + 3 })).resolves.toBeUndefined();
    });

    it("still records the delivery of an owner whose lease ran out when nobody claimed it since, and a repeated completion", async () => {
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding], { claimFor: { owner: "slow", nowMs: NOW, leaseMs: LEASE } });

      await store.completeDelivery(finding.id, "sns", { owner: "slow", nowMs: NOW + 5 * LEASE });
      await store.completeDelivery(finding.id, "sns", { owner: "slow", nowMs: NOW + 5 * LEASE });

      expect((await store.getDeliveries(finding.id))?.sns.delivered).toBe(true);
      expect(await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: NOW + 6 * LEASE, leaseMs: LEASE })).toBe("delivered");
    });

    it("lists the longest-due findings first, up to the limit, and never those held or delivered", async () => {
      // Prepare: 12 findings released at increasing times, one held, one delivered.
      const store = await freshStore(dynalite, clock);
      const findings = Array.from({ length: 14 }, (_, n) => makeFinding(n));
      await store.putFindings(findings, { claimFor: { owner: "lambda-a", nowMs: NOW, leaseMs: LEASE } });
      const released = findings.slice(0, 12).reverse();
      for (const [n, finding] of released.entries()) await store.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: "down", nowMs: NOW + n });
      await store.completeDelivery(findings[13]!.id, "sns", { owner: "lambda-a", nowMs: NOW });

      // Act
      const page = await store.listUndelivered({ nowMs: NOW + 100, limit: 5 });
      const all = await store.listUndelivered({ nowMs: NOW + 100 });

      // Assess
      expect(ids(page)).toEqual(ids(released.slice(0, 5)));
      expect(ids(all)).toEqual(ids(released));
    });

    it("keeps the error it records short", async () => {
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding], { claimFor: { owner: "lambda-a", nowMs: NOW, leaseMs: LEASE } });

      await store.releaseDelivery(finding.id, "sns", { owner: "lambda-a", error: new Error(`Bad gateway\n${"<html>".repeat(2000)}`) });

      const lastError = (await store.getDeliveries(finding.id))?.sns.lastError ?? "";
      expect(lastError.startsWith("Error: Bad gateway <html>")).toBe(true);
      expect(lastError.length).toBeLessThanOrEqual(500);
    });
  });

  describe("the slack channel", () => {
    it("answers a second claim after the post with delivered, so an SQS redelivery does not post twice", async () => {
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding]);

      const first = await store.claimDelivery(finding.id, "slack", { owner: "message-1", nowMs: NOW, leaseMs: LEASE });
      await store.completeDelivery(finding.id, "slack", { owner: "message-1", nowMs: NOW + 500, reference: "1764547200.000100" });
      const second = await store.claimDelivery(finding.id, "slack", { owner: "message-1-again", nowMs: NOW + 1000, leaseMs: LEASE });

      expect([first, second]).toEqual(["claimed", "delivered"]);
      expect((await store.getDeliveries(finding.id))?.slack).toMatchObject({ delivered: true, attempts: 1, reference: "1764547200.000100" });
      // The slack channel has no sweep: its state leaves the sns outbox alone.
      expect((await store.getDeliveries(finding.id))?.sns).toEqual({ delivered: false, attempts: 0 });
    });

    it("lets one of two concurrent consumers of the same message claim it", async () => {
      const store = await freshStore(dynalite, clock);
      const finding = makeFinding(1);
      await store.putFindings([finding]);

      const claims = await Promise.all(["consumer-a", "consumer-b"].map((owner) => store.claimDelivery(finding.id, "slack", { owner, nowMs: NOW, leaseMs: LEASE })));

      expect(claims.sort()).toEqual(["busy", "claimed"]);
    });
  });

  describe("missing findings and bad input", () => {
    it("answers missing for an unknown finding and for a resolved one past its retention, which the sweep skips too", async () => {
      // Prepare
      let now = new Date(NOW);
      const store = await freshStore(dynalite, { resolvedRetentionDays: 1, now: () => now });
      const finding = makeFinding(1);
      await store.putFindings([finding]);
      await store.setStatus(finding.id, "resolved");
      now = new Date(NOW + 2 * 86_400_000);

      // Act
      const unknown = await store.claimDelivery("no-such-finding", "sns", { owner: "sweeper", nowMs: now.getTime(), leaseMs: LEASE });
      const expired = await store.claimDelivery(finding.id, "sns", { owner: "sweeper", nowMs: now.getTime(), leaseMs: LEASE });

      // Assess
      expect([unknown, expired]).toEqual(["missing", "missing"]);
      expect(await store.listUndelivered({ nowMs: now.getTime() })).toEqual([]);
      expect(await store.getDeliveries(finding.id)).toBeUndefined();
      expect(await rawItem(store, "no-such-finding")).toBeUndefined();
    });

    it("refuses to complete or release a finding that is not stored", async () => {
      const store = await freshStore(dynalite, clock);

      await expect(store.completeDelivery("no-such-finding", "slack", { owner: "x", nowMs: NOW })).rejects.toBeInstanceOf(DeliveryLeaseLostError);
      expect(await store.releaseDelivery("no-such-finding", "slack", { owner: "x", error: "e" })).toBe(false);
      expect(await rawItem(store, "no-such-finding")).toBeUndefined();
    });

    it.each([
      ["an unknown channel", (store: FindingStore) => store.claimDelivery("f", "email" as never, { owner: "o", nowMs: NOW, leaseMs: LEASE }), /^channel: expected one of sns, slack, got "email"/],
      ["an empty owner", (store: FindingStore) => store.claimDelivery("f", "sns", { owner: "", nowMs: NOW, leaseMs: LEASE }), /^lease\.owner: expected a non-empty string/],
      ["a lease of no time", (store: FindingStore) => store.putFindings([makeFinding(1)], { claimFor: { owner: "o", nowMs: NOW, leaseMs: 0 } }), /^claimFor\.leaseMs: expected a positive number/],
      ["a clock that is not a number", (store: FindingStore) => store.completeDelivery("f", "sns", { owner: "o", nowMs: Number.NaN }), /^nowMs: expected epoch milliseconds/],
      ["a limit out of range", (store: FindingStore) => store.listUndelivered({ nowMs: NOW, limit: 0 }), /^limit: expected a whole number from 1 to 1000/],
    ])("rejects %s with a StoreError naming the field", async (_case, call, message) => {
      const store = await freshStore(dynalite, clock);

      const failure = await call(store).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(StoreError);
      expect((failure as Error).message).toMatch(message);
    });
  });
});

async function rawItem(store: FindingStore, id: string): Promise<Record<string, unknown> | undefined> {
  return (await dynalite.client.send(new GetCommand({ TableName: store.tableName, Key: { id } }))).Item;
}

import { GetCommand } from "@aws-sdk/lib-dynamodb";
import type { Finding } from "@vigil/core";
import { type FindingStore, InvalidRequestError, type PostureRunSync } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { postureFinding as makePostureFinding } from "../../helpers/postureFinding.ts";
import { freshStore, makeFinding, movableClock } from "./findingFactory.ts";

const ACCOUNT = "111122223333";
const DAY = 86_400_000;
const RUN_1 = new Date("2026-12-01T06:00:00.000Z");
const RUN_2 = new Date(RUN_1.getTime() + DAY);
const RUN_3 = new Date(RUN_2.getTime() + DAY);
const ROTATION = "access-key-not-rotated";
const MFA = "user-console-without-mfa";

/** A posture finding of `run`, carrying its user as the checks do. */
const postureFinding = (checkId: string, user: string, run: Date, overrides: Partial<Finding> = {}): Finding =>
  makePostureFinding(checkId, user, { at: run.toISOString(), account: ACCOUNT }, { details: { user }, ...overrides });

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function setup() {
  const clock = movableClock(RUN_1.getTime());
  const store = await freshStore(dynalite, { now: clock.now, resolvedRetentionDays: 30 });
  const lifecycle = store.posture;
  const sync = (run: Date, findings: Finding[], checkIds: string[] = [ROTATION, MFA], extra: Partial<PostureRunSync> = {}) =>
    lifecycle.syncPostureRun({ account: ACCOUNT, checkIds, findings, now: run, ...extra });
  return { store, lifecycle, sync, clock };
}

async function rawItem(store: FindingStore, id: string): Promise<Record<string, unknown> | undefined> {
  return (await dynalite.client.send(new GetCommand({ TableName: store.table.name, Key: { id } }))).Item;
}

const ids = (findings: readonly Finding[]) => findings.map((finding) => finding.id).sort();

describe("Class: PostureLifecycle", () => {
  describe("Method: syncPostureRun", () => {
    it("stores a new condition open, its notification pending and held by the run", async () => {
      // Prepare
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);

      // Act
      const result = await sync(RUN_1, [alice], [ROTATION], { claimFor: { owner: "run-1", leaseMs: 900_000 } });

      // Assess
      expect(result).toEqual({ created: [alice], seenAgain: [], stillOpen: [], resolved: [], reopened: [] });
      expect(await store.reader.getFinding(alice.id)).toEqual(alice);
      expect((await store.outbox.getDeliveries(alice.id))?.sns).toMatchObject({ delivered: false, lease: { owner: "run-1" } });
      expect(await store.reader.getHistory(alice.id)).toEqual([{ at: RUN_1.toISOString(), actor: "vigil", action: "create", from: null, to: "open" }]);
    });

    it("moves lastSeenAt of a condition seen again and nothing else", async () => {
      // Prepare
      const { store, sync } = await setup();
      const first = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [first]);

      // Act
      const result = await sync(RUN_2, [postureFinding(ROTATION, "alice", RUN_2)]);

      // Assess
      const stored = await store.reader.getFinding(first.id);
      expect(stored).toEqual({ ...first, lastSeenAt: RUN_2.toISOString() });
      expect(result).toEqual({ created: [], seenAgain: [first.id], stillOpen: [stored], resolved: [], reopened: [] });
      expect(await store.reader.getHistory(first.id)).toHaveLength(1);
    });

    it("keeps a suppressed finding suppressed, and an acknowledged one acknowledged, when seen again", async () => {
      // Prepare
      const { store, sync, clock } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      const bob = postureFinding(ROTATION, "bob", RUN_1);
      await sync(RUN_1, [alice, bob]);
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(alice.id, { action: "suppress", actor: "sec@example.com", reason: "service account, rotation planned" });
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(bob.id, { action: "acknowledge", actor: "sec@example.com" });

      // Act
      const result = await sync(RUN_2, [postureFinding(ROTATION, "alice", RUN_2), postureFinding(ROTATION, "bob", RUN_2)]);

      // Assess
      expect(await store.reader.getFinding(alice.id)).toMatchObject({ status: "suppressed", lastSeenAt: RUN_2.toISOString() });
      expect(await store.reader.getFinding(bob.id)).toMatchObject({ status: "acknowledged", lastSeenAt: RUN_2.toISOString() });
      expect(result.seenAgain.sort()).toEqual([alice.id, bob.id].sort());
      expect(ids(result.stillOpen)).toEqual([bob.id]);
      expect((await store.reader.getHistory(alice.id))?.map((entry) => entry.action)).toEqual(["create", "suppress"]);
      expect((await store.reader.getHistory(bob.id))?.map((entry) => entry.action)).toEqual(["create", "acknowledge"]);
    });

    it("resolves a finding of a check that ran and no longer sees it, with the run's time and reason, starting its retention", async () => {
      // Prepare
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      const bob = postureFinding(ROTATION, "bob", RUN_1);
      await sync(RUN_1, [alice, bob]);

      // Act
      const result = await sync(RUN_2, [postureFinding(ROTATION, "bob", RUN_2)]);

      // Assess
      const resolved = { ...alice, status: "resolved" };
      expect(result.resolved).toEqual([resolved]);
      expect(await store.reader.getFinding(alice.id)).toEqual(resolved);
      expect((await store.reader.getHistory(alice.id))?.at(-1)).toEqual({
        at: RUN_2.toISOString(),
        actor: "vigil",
        action: "resolve",
        from: "open",
        to: "resolved",
        reason: `not seen in the posture run of ${RUN_2.toISOString()}`,
      });
      expect((await rawItem(store, alice.id))?.expiresAt).toBe(RUN_2.getTime() / 1000 + 30 * 86_400);
      expect((await store.reader.listFindings({ status: "resolved" })).items.map((finding) => finding.id)).toEqual([alice.id]);
    });

    it("resolves suppressed and acknowledged findings too, the condition being gone", async () => {
      // Prepare
      const { store, sync, clock } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      const bob = postureFinding(ROTATION, "bob", RUN_1);
      await sync(RUN_1, [alice, bob]);
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(alice.id, { action: "suppress", actor: "sec@example.com", reason: "accepted" });
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(bob.id, { action: "acknowledge", actor: "sec@example.com" });

      // Act
      const result = await sync(RUN_2, []);

      // Assess
      expect(ids(result.resolved)).toEqual(ids([alice, bob]));
      expect((await store.reader.getHistory(alice.id))?.at(-1)).toMatchObject({ action: "resolve", from: "suppressed", to: "resolved" });
      expect((await store.reader.getHistory(bob.id))?.at(-1)).toMatchObject({ action: "resolve", from: "acknowledged", to: "resolved" });
    });

    it("writes a suppression that ran out as reopened at its expiry before resolving it, as triage does", async () => {
      // Prepare
      const { store, sync, clock } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [alice]);
      const until = new Date(RUN_1.getTime() + DAY / 2).toISOString();
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(alice.id, { action: "suppress", actor: "sec@example.com", reason: "until tonight", until });

      // Act
      await sync(RUN_2, []);

      // Assess
      const history = await store.reader.getHistory(alice.id);
      expect(history?.slice(-2)).toEqual([
        { at: until, actor: "vigil", action: "reopen", from: "suppressed", to: "open", reason: "suppression expired" },
        expect.objectContaining({ at: RUN_2.toISOString(), action: "resolve", from: "open", to: "resolved" }),
      ]);
      expect((await rawItem(store, alice.id))?.suppressedUntil).toBeUndefined();
    });

    it("leaves alone findings of checks that did not run, of other accounts, and already resolved ones", async () => {
      // Prepare
      const { store, sync } = await setup();
      const rotation = postureFinding(ROTATION, "alice", RUN_1);
      const mfa = postureFinding(MFA, "alice", RUN_1, { severity: "HIGH" });
      const otherAccount = makeFinding(1, { ruleId: ROTATION, id: `${ROTATION}:other-account`, account: "444455556666", eventId: undefined });
      await sync(RUN_1, [rotation, mfa]);
      await store.writer.putFindings([otherAccount]);
      await sync(RUN_2, [mfa], [ROTATION]);

      // Act: the rotation check is skipped (not among checkIds) and the MFA check finds nothing.
      const result = await sync(RUN_3, [], [MFA]);

      // Assess
      expect(ids(result.resolved)).toEqual([mfa.id]);
      expect((await store.reader.getFinding(otherAccount.id))?.status).toBe("open");
      expect((await store.reader.getHistory(rotation.id))?.filter((entry) => entry.action === "resolve")).toHaveLength(1);
    });

    it("resolves only the findings of the principals a partial check judged (Access Advisor read for a few per run)", async () => {
      // Prepare
      const { store, sync } = await setup();
      const UNUSED = "unused-services";
      const alice = postureFinding(UNUSED, "alice", RUN_1);
      const bob = postureFinding(UNUSED, "bob", RUN_1);
      await sync(RUN_1, [alice, bob], [UNUSED]);

      // Act: the next run read only bob, who no longer has unused services; alice was not read.
      const result = await sync(RUN_2, [], [UNUSED], { judgedPrincipals: { [UNUSED]: [bob.principal] } });

      // Assess
      expect(ids(result.resolved)).toEqual([bob.id]);
      expect((await store.reader.getFinding(alice.id))?.status).toBe("open");
      // A later run that reads alice and no longer sees her condition resolves it.
      const later = await sync(RUN_3, [], [UNUSED], { judgedPrincipals: { [UNUSED]: [alice.principal] } });
      expect(ids(later.resolved)).toEqual([alice.id]);
    });

    it("refuses judged principals of a check that did not run, before writing anything", async () => {
      const { sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await expect(sync(RUN_1, [alice], [MFA], { judgedPrincipals: { [ROTATION]: [alice.principal] } })).rejects.toThrow(InvalidRequestError);
      await expect(sync(RUN_1, [alice], [MFA], { judgedPrincipals: { [ROTATION]: [alice.principal] } })).rejects.toThrow("judgedPrincipals.access-key-not-rotated");
    });

    it("reopens a resolved finding that comes back, with a history entry, and counts it apart from new ones", async () => {
      // Prepare
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [alice]);
      await sync(RUN_2, []);

      // Act
      const result = await sync(RUN_3, [postureFinding(ROTATION, "alice", RUN_3)]);

      // Assess
      const reopened = { ...alice, status: "open", lastSeenAt: RUN_3.toISOString() };
      expect(result).toEqual({ created: [], seenAgain: [], stillOpen: [], resolved: [], reopened: [reopened] });
      expect(await store.reader.getFinding(alice.id)).toEqual(reopened);
      expect((await store.reader.getHistory(alice.id))?.map(({ action, actor, at }) => `${at} ${actor} ${action}`)).toEqual([
        `${RUN_1.toISOString()} vigil create`,
        `${RUN_2.toISOString()} vigil resolve`,
        `${RUN_3.toISOString()} vigil reopen`,
      ]);
      expect((await store.reader.getHistory(alice.id))?.at(-1)?.reason).toBe(`seen again in the posture run of ${RUN_3.toISOString()}`);
      expect((await rawItem(store, alice.id))?.expiresAt).toBeUndefined();
    });

    it("reopens a finding a person resolved that the next run still sees", async () => {
      // Prepare
      const { store, sync, clock } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [alice]);
      clock.ms = RUN_1.getTime() + 1000;
      await store.triage.transition(alice.id, { action: "resolve", actor: "sec@example.com", reason: "rotated" });

      // Act
      const result = await sync(RUN_2, [postureFinding(ROTATION, "alice", RUN_2)]);

      // Assess
      expect(ids(result.reopened)).toEqual([alice.id]);
      expect((await store.reader.getHistory(alice.id))?.map((entry) => `${entry.actor} ${entry.action}`)).toEqual(["vigil create", "sec@example.com resolve", "vigil reopen"]);
    });

    it("lets the newest observation win when an older run lands after a newer one", async () => {
      // Prepare: the newer run saw alice, the older (slower) one did not.
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [alice]);
      await sync(RUN_3, [postureFinding(ROTATION, "alice", RUN_3)]);

      // Act
      const stale = await sync(RUN_2, []);

      // Assess
      expect(stale.resolved).toEqual([]);
      expect(await store.reader.getFinding(alice.id)).toMatchObject({ status: "open", lastSeenAt: RUN_3.toISOString() });
    });

    it("does not let an older run reopen what a newer run resolved, nor move lastSeenAt back", async () => {
      // Prepare
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      const bob = postureFinding(ROTATION, "bob", RUN_1);
      await sync(RUN_1, [alice, bob]);
      await sync(RUN_3, [postureFinding(ROTATION, "bob", RUN_3)]);

      // Act
      const stale = await sync(RUN_2, [postureFinding(ROTATION, "alice", RUN_2), postureFinding(ROTATION, "bob", RUN_2)]);

      // Assess
      expect(stale.reopened).toEqual([]);
      expect(await store.reader.getFinding(alice.id)).toMatchObject({ status: "resolved", lastSeenAt: RUN_1.toISOString() });
      expect(await store.reader.getFinding(bob.id)).toMatchObject({ status: "open", lastSeenAt: RUN_3.toISOString() });
      expect(await store.reader.getHistory(alice.id)).toHaveLength(2);
    });

    it("creates each finding once and writes one history entry per change when two runs overlap", async () => {
      // Prepare
      const { store, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      const bob = postureFinding(ROTATION, "bob", RUN_1);
      await sync(RUN_1, [alice, bob]);
      const carol = postureFinding(ROTATION, "carol", RUN_2);

      // Act: both runs at the same instant, both without alice, both with carol.
      const [one, two] = await Promise.all([
        sync(RUN_2, [postureFinding(ROTATION, "bob", RUN_2), carol]),
        sync(RUN_2, [postureFinding(ROTATION, "bob", RUN_2), carol]),
      ]);

      // Assess
      expect([...one.created, ...two.created].map((finding) => finding.id)).toEqual([carol.id]);
      expect([...one.resolved, ...two.resolved].map((finding) => finding.id)).toEqual([alice.id]);
      expect((await store.reader.getHistory(alice.id))?.map((entry) => entry.action)).toEqual(["create", "resolve"]);
      expect(await store.reader.getHistory(carol.id)).toHaveLength(1);
    });

    it("finds stored findings through the byRule index, never a Scan", async () => {
      // Prepare
      const { sync } = await setup();
      await sync(RUN_1, [postureFinding(ROTATION, "alice", RUN_1)]);
      const send = vi.spyOn(dynalite.client, "send");

      // Act
      await sync(RUN_2, []);

      // Assess
      const commands = send.mock.calls.map(([command]) => command.constructor.name);
      expect(commands).not.toContain("ScanCommand");
      const queries = send.mock.calls.map(([command]) => command.input as { IndexName?: string }).filter((input) => input.IndexName);
      expect(queries.map((input) => input.IndexName)).toEqual(["byRule", "byRule"]);
    });

    it.each([
      [{ account: "1111" }, "account"],
      [{ checkIds: "all" }, "checkIds"],
      [{ findings: [postureFinding(ROTATION, "alice", RUN_1, { account: "444455556666" })] }, "findings.0.account"],
      [{ findings: [postureFinding(ROTATION, "alice", RUN_1, { eventId: "e-1" })] }, "findings.0.eventId"],
      [{ findings: [postureFinding(ROTATION, "alice", RUN_1, { id: "" })] }, "findings.0.id"],
      [{ now: new Date("not a date") }, "now"],
    ])("refuses a malformed run (%j) naming %s, before writing anything", async (change, parameter) => {
      // Prepare
      const { store, lifecycle } = await setup();
      const run = { account: ACCOUNT, checkIds: [ROTATION], findings: [postureFinding(ROTATION, "bob", RUN_1)], now: RUN_1, ...change } as PostureRunSync;

      // Act
      const attempt = lifecycle.syncPostureRun(run);

      // Assess
      await expect(attempt).rejects.toThrow(InvalidRequestError);
      await expect(attempt).rejects.toMatchObject({ parameter });
      expect((await store.reader.listFindings()).items).toEqual([]);
    });
  });

  describe("Method: recordRemediation", () => {
    const record = (outcome: string, at = RUN_1) => ({ at: at.toISOString(), dryRun: outcome === "would-do", actions: [{ kind: "deactivate-access-key", accessKeyId: "AKIA1", outcome }] });

    it("keeps the latest run's actions in the finding's details, beside its own", async () => {
      // Prepare
      const { store, lifecycle, sync } = await setup();
      const alice = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [alice]);

      // Act
      await lifecycle.recordRemediation(alice.id, record("would-do"));
      const recorded = await lifecycle.recordRemediation(alice.id, record("done", RUN_2));

      // Assess
      expect(recorded).toBe(true);
      expect((await store.reader.getFinding(alice.id))?.details).toEqual({ user: "alice", remediation: record("done", RUN_2) });
    });

    it("gives a finding without details a details map, and answers false for no finding", async () => {
      // Prepare
      const { store, lifecycle, sync } = await setup();
      const { details: _details, ...bare } = postureFinding(ROTATION, "alice", RUN_1);
      await sync(RUN_1, [bare]);

      // Act
      const recorded = await lifecycle.recordRemediation(bare.id, record("would-do"));
      const missing = await lifecycle.recordRemediation(`${ROTATION}:missing`, record("would-do"));

      // Assess
      expect(recorded).toBe(true);
      expect(missing).toBe(false);
      expect((await store.reader.getFinding(bare.id))?.details).toEqual({ remediation: record("would-do") });
    });
  });
});

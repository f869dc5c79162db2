import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { FINDING_STATUSES, type FindingStatus } from "@vigil/core";
import {
  FindingNotFoundError,
  type FindingStore,
  type HistoryEntry,
  InvalidRequestError,
  InvalidTransitionError,
  TRANSITIONS,
  TRIAGE_ACTIONS,
  type TransitionRequest,
  type TriageAction,
} from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshStore, makeFinding } from "./findingFactory.ts";

const T0 = Date.parse("2026-12-01T09:00:00.000Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

/** A store whose clock the test moves, with one finding stored at T0 in the given status. */
async function storeWith(status: FindingStatus = "open", options: { retentionDays?: number } = {}) {
  const clock = { now: T0 };
  const store = await freshStore(dynalite, { now: () => new Date(clock.now), ...(options.retentionDays ? { resolvedRetentionDays: options.retentionDays } : {}) });
  const finding = makeFinding(1, { status });
  await store.writer.putFindings([finding]);
  return { store, finding, clock };
}

function requestFor(action: TriageAction): TransitionRequest {
  return action === "suppress" ? { action, actor: "alice@example.com", reason: "known test account" } : { action, actor: "alice@example.com" };
}

async function rawItem(store: FindingStore, id: string): Promise<Record<string, unknown> | undefined> {
  return (await dynalite.client.send(new GetCommand({ TableName: store.table.name, Key: { id } }))).Item;
}

const created = (status: FindingStatus = "open"): HistoryEntry => ({ at: iso(T0), actor: "vigil", action: "create", from: null, to: status });

const ALLOWED = TRIAGE_ACTIONS.flatMap((action) => TRANSITIONS[action].from.map((from) => [action, from, TRANSITIONS[action].to] as const));
const FORBIDDEN = TRIAGE_ACTIONS.flatMap((action) => FINDING_STATUSES.filter((from) => !TRANSITIONS[action].from.includes(from)).map((from) => [action, from] as const));

describe("Class: FindingStore", () => {
  describe("Method: transition", () => {
    it("allows exactly the documented moves", () => {
      expect(ALLOWED.map(([action, from, to]) => `${from} -${action}-> ${to}`).sort()).toEqual(
        [
          "open -acknowledge-> acknowledged",
          "open -suppress-> suppressed",
          "acknowledged -suppress-> suppressed",
          "open -resolve-> resolved",
          "acknowledged -resolve-> resolved",
          "suppressed -resolve-> resolved",
          "acknowledged -reopen-> open",
          "suppressed -reopen-> open",
          "resolved -reopen-> open",
        ].sort(),
      );
    });

    it.each(ALLOWED)("%s from %s leads to %s, as the actor said, and is the finding's next history entry", async (action, from, to) => {
      // Prepare
      const { store, finding, clock } = await storeWith(from);
      const at = T0 + 5 * MINUTE;

      // Act
      clock.now = at;
      const result = await store.triage.transition(finding.id, requestFor(action));

      // Assess
      const entry = { at: iso(at), actor: "alice@example.com", action, from, to, ...(action === "suppress" ? { reason: "known test account" } : {}) };
      expect(result).toStrictEqual({ finding: { ...finding, status: to }, entry });
      expect(await store.reader.getFinding(finding.id)).toStrictEqual({ ...finding, status: to });
      expect(await store.reader.getHistory(finding.id)).toStrictEqual([created(from), entry]);
      expect((await store.reader.listFindings({ status: to })).items.map((f) => f.id)).toEqual([finding.id]);
    });

    it.each(FORBIDDEN)("refuses to %s a finding that is %s with InvalidTransitionError, changing nothing", async (action, from) => {
      const { store, finding, clock } = await storeWith(from);
      const before = await rawItem(store, finding.id);

      clock.now = T0 + MINUTE;
      const failure = await store.triage.transition(finding.id, requestFor(action)).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidTransitionError);
      expect(failure).toMatchObject({ findingId: finding.id, from, action });
      expect(await rawItem(store, finding.id)).toStrictEqual(before);
    });

    it("answers FindingNotFoundError for an unknown id and for a finding past its retention", async () => {
      const { store, finding, clock } = await storeWith("open", { retentionDays: 1 });
      clock.now = T0;
      await store.triage.transition(finding.id, { action: "resolve", actor: "bob" });
      clock.now = T0 + 2 * 86_400_000;

      for (const id of ["no-such-finding", finding.id]) {
        const failure = await store.triage.transition(id, { action: "reopen", actor: "bob" }).catch((error: unknown) => error);
        expect(failure).toBeInstanceOf(FindingNotFoundError);
        expect(failure).toMatchObject({ findingId: id });
      }
      expect(await store.reader.getHistory(finding.id)).toBeUndefined();
    });

    it.each<[string, Partial<TransitionRequest>, string]>([
      ["an unknown action", { action: "close" as TriageAction }, "action"],
      ["no actor", { actor: undefined as unknown as string }, "actor"],
      ["a blank actor", { actor: "  " }, "actor"],
      ["a suppression without a reason", { action: "suppress", reason: undefined }, "reason"],
      ["a blank reason", { action: "suppress", reason: " " }, "reason"],
      ["an expiry on something other than a suppression", { action: "acknowledge", until: iso(T0 + HOUR) }, "until"],
      ["an expiry that is not an instant", { action: "suppress", until: "next week" }, "until"],
      ["an expiry in the past", { action: "suppress", until: iso(T0 - MINUTE) }, "until"],
    ])("refuses %s with InvalidRequestError naming the field", async (_name, change, parameter) => {
      const { store, finding, clock } = await storeWith();
      clock.now = T0;
      const request = { action: "acknowledge", actor: "alice", reason: "because", ...change } as TransitionRequest;

      const failure = await store.triage.transition(finding.id, request).catch((error: unknown) => error);

      expect(failure).toBeInstanceOf(InvalidRequestError);
      expect(failure).toMatchObject({ parameter });
      expect(await store.reader.getHistory(finding.id)).toStrictEqual([created()]);
    });

    it("keeps who changed what, when and why, oldest first", async () => {
      // Prepare
      const { store, finding, clock } = await storeWith();

      // Act
      clock.now = T0 + MINUTE;
      await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice", reason: "looking into it" });
      clock.now = T0 + 2 * MINUTE;
      await store.triage.transition(finding.id, { action: "suppress", actor: "bob", reason: "break-glass drill", until: "2026-12-08T09:00:00Z" });
      clock.now = T0 + 3 * MINUTE;
      await store.triage.transition(finding.id, { action: "resolve", actor: "carol", reason: "user deleted" });
      clock.now = T0 + 4 * MINUTE;
      await store.triage.transition(finding.id, { action: "reopen", actor: "dave" });

      // Assess
      expect(await store.reader.getFindingWithHistory(finding.id)).toStrictEqual({
        finding,
        history: [
          created(),
          { at: iso(T0 + MINUTE), actor: "alice", action: "acknowledge", from: "open", to: "acknowledged", reason: "looking into it" },
          { at: iso(T0 + 2 * MINUTE), actor: "bob", action: "suppress", from: "acknowledged", to: "suppressed", reason: "break-glass drill", until: "2026-12-08T09:00:00.000Z" },
          { at: iso(T0 + 3 * MINUTE), actor: "carol", action: "resolve", from: "suppressed", to: "resolved", reason: "user deleted" },
          { at: iso(T0 + 4 * MINUTE), actor: "dave", action: "reopen", from: "resolved", to: "open" },
        ],
      });
    });

    it("starts the retention clock on resolve and stops it on reopen", async () => {
      const { store, finding, clock } = await storeWith("open", { retentionDays: 30 });

      clock.now = T0;
      await store.triage.transition(finding.id, { action: "resolve", actor: "carol" });
      const resolved = await rawItem(store, finding.id);
      clock.now = T0 + HOUR;
      await store.triage.transition(finding.id, { action: "reopen", actor: "dave" });

      expect(resolved?.expiresAt).toBe(T0 / 1000 + 30 * 86_400);
      expect((await rawItem(store, finding.id))?.expiresAt).toBeUndefined();
    });

    it("lets one of ten people acknowledging the same finding at once win; the others are told it is acknowledged", async () => {
      const { store, finding } = await storeWith();

      const outcomes = await Promise.allSettled(Array.from({ length: 10 }, (_, n) => store.triage.transition(finding.id, { action: "acknowledge", actor: `person-${n}` })));

      const won = outcomes.filter((outcome) => outcome.status === "fulfilled");
      const lost = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
      expect(won.length).toBe(1);
      expect(lost.every((outcome) => outcome.reason instanceof InvalidTransitionError && outcome.reason.from === "acknowledged")).toBe(true);
      const history = (await store.reader.getHistory(finding.id))!;
      expect(history.filter((entry) => entry.action === "acknowledge").length).toBe(1);
    });

    it("keeps the history a chain when different changes race: each entry starts where the previous one ended", async () => {
      const { store, finding } = await storeWith();
      const requests: TransitionRequest[] = [
        { action: "acknowledge", actor: "a" },
        { action: "resolve", actor: "b" },
        { action: "suppress", actor: "c", reason: "noise" },
        { action: "reopen", actor: "d" },
        { action: "resolve", actor: "e" },
        { action: "acknowledge", actor: "f" },
      ];

      const outcomes = await Promise.allSettled(requests.map((request) => store.triage.transition(finding.id, request)));

      const history = (await store.reader.getHistory(finding.id))!;
      expect(history.length).toBe(1 + outcomes.filter((outcome) => outcome.status === "fulfilled").length);
      history.slice(1).forEach((entry, index) => expect(entry.from).toBe(history[index]!.to));
      expect((await store.reader.getFinding(finding.id))?.status).toBe(history.at(-1)!.to);
      for (const outcome of outcomes) if (outcome.status === "rejected") expect(outcome.reason).toBeInstanceOf(InvalidTransitionError);
    });
  });

  describe("suppression expiry", () => {
    it("reads a suppression as open once its expiry passes, and the sweep then writes it down with the same history", async () => {
      // Prepare: suppressed at T0 until T0 + 1h.
      const { store, finding, clock } = await storeWith();
      const until = iso(T0 + HOUR);
      clock.now = T0;
      await store.triage.transition(finding.id, { action: "suppress", actor: "bob", reason: "maintenance window", until });
      const suppression = { at: iso(T0), actor: "bob", action: "suppress", from: "open", to: "suppressed", reason: "maintenance window", until };
      const expiry = { at: until, actor: "vigil", action: "reopen", from: "suppressed", to: "open", reason: "suppression expired" };

      // Act & Assess: before the expiry, suppressed.
      clock.now = T0 + HOUR - 1;
      expect((await store.reader.getFinding(finding.id))?.status).toBe("suppressed");
      expect((await store.reader.listFindings({ status: "suppressed" })).items.map((f) => f.id)).toEqual([finding.id]);
      expect(await store.triage.reopenExpiredSuppressions()).toEqual([]);

      // At the expiry: open, with the expiry in its history, although nothing was written.
      clock.now = T0 + HOUR;
      const item = await rawItem(store, finding.id);
      expect(item?.status).toBe("suppressed");
      expect(await store.reader.getFindingWithHistory(finding.id)).toStrictEqual({ finding, history: [created(), suppression, expiry] });
      expect((await store.reader.listFindings({ status: "open" })).items.map((f) => f.id)).toEqual([finding.id]);
      expect((await store.reader.listFindings({ status: "suppressed" })).items).toEqual([]);
      expect((await store.reader.summarize({ ruleIds: [] })).byStatus).toEqual({ open: 1, acknowledged: 0, suppressed: 0, resolved: 0 });

      // The sweep: written once.
      clock.now = T0 + 2 * HOUR;
      expect(await store.triage.reopenExpiredSuppressions()).toEqual([finding.id]);
      clock.now = T0 + 3 * HOUR;
      expect(await store.triage.reopenExpiredSuppressions()).toEqual([]);
      const swept = await rawItem(store, finding.id);
      expect(swept?.status).toBe("open");
      expect(swept?.pkStatus).toBe("open");
      expect(swept?.suppressedUntil).toBeUndefined();
      expect(await store.reader.getFindingWithHistory(finding.id)).toStrictEqual({ finding, history: [created(), suppression, expiry] });
    });

    it("writes the expiry before the next change when someone triages a ran-out suppression before the sweep", async () => {
      const { store, finding, clock } = await storeWith();
      clock.now = T0;
      await store.triage.transition(finding.id, { action: "suppress", actor: "bob", reason: "noise", until: iso(T0 + HOUR) });
      clock.now = T0 + 2 * HOUR;

      const result = await store.triage.transition(finding.id, { action: "acknowledge", actor: "alice" });

      expect(result.entry).toStrictEqual({ at: iso(T0 + 2 * HOUR), actor: "alice", action: "acknowledge", from: "open", to: "acknowledged" });
      expect((await store.reader.getHistory(finding.id))!.map((entry) => `${entry.actor}:${entry.action}:${entry.from}->${entry.to}`)).toEqual([
        "vigil:create:null->open",
        "bob:suppress:open->suppressed",
        "vigil:reopen:suppressed->open",
        "alice:acknowledge:open->acknowledged",
      ]);
      expect(await store.triage.reopenExpiredSuppressions()).toEqual([]);
      expect((await store.reader.getFinding(finding.id))?.status).toBe("acknowledged");
    });

    it("refuses to reopen a suppression that already ran out: it is open", async () => {
      const { store, finding, clock } = await storeWith();
      clock.now = T0;
      await store.triage.transition(finding.id, { action: "suppress", actor: "bob", reason: "noise", until: iso(T0 + HOUR) });
      clock.now = T0 + 2 * HOUR;

      await expect(store.triage.transition(finding.id, { action: "reopen", actor: "alice" })).rejects.toMatchObject({ name: "InvalidTransitionError", from: "open", action: "reopen" });
    });

    it("leaves alone a suppression renewed before the sweep, and never ends one without an expiry", async () => {
      // Prepare: one suppression ran out and was renewed; another has no expiry.
      const clock = { now: T0 };
      const store = await freshStore(dynalite, { now: () => new Date(clock.now) });
      const [renewed, forever] = [makeFinding(1), makeFinding(2)];
      await store.writer.putFindings([renewed, forever]);
      clock.now = T0;
      await store.triage.transition(renewed.id, { action: "suppress", actor: "bob", reason: "noise", until: iso(T0 + HOUR) });
      clock.now = T0;
      await store.triage.transition(forever.id, { action: "suppress", actor: "bob", reason: "accepted risk" });
      clock.now = T0 + 2 * HOUR;
      await store.triage.transition(renewed.id, { action: "suppress", actor: "bob", reason: "still noise", until: iso(T0 + 30 * HOUR) });

      // Act
      clock.now = T0 + 3 * HOUR;
      const reopened = await store.triage.reopenExpiredSuppressions();

      // Assess
      expect(reopened).toEqual([]);
      expect((await store.reader.getHistory(renewed.id))!.map((entry) => entry.action)).toEqual(["create", "suppress", "reopen", "suppress"]);
      clock.now = T0 + 365 * 86_400_000;
      expect((await store.reader.getFinding(forever.id))?.status).toBe("suppressed");
      expect(await store.triage.reopenExpiredSuppressions()).toEqual([renewed.id]);
    });
  });

  describe("Method: setStatus (outside the state machine)", () => {
    it("records the change as a set-status by vigil", async () => {
      const { store, finding, clock } = await storeWith();
      clock.now = T0 + MINUTE;

      await store.triage.setStatus(finding.id, "resolved");

      expect(await store.reader.getHistory(finding.id)).toStrictEqual([created(), { at: iso(T0 + MINUTE), actor: "vigil", action: "set-status", from: "open", to: "resolved" }]);
    });
  });

  describe("Method: getHistory", () => {
    it("gives a finding stored before histories existed its creation at detectedAt, and appends to it", async () => {
      // Prepare: an item as an earlier release wrote it, with no history attribute.
      const { store } = await storeWith();
      const old = makeFinding(9, { status: "acknowledged" });
      const item = { ...old, pkStatus: old.status, pkSeverity: old.severity, pkRule: old.ruleId, pkPrincipal: old.principal, pkResource: old.resource, pkAccount: old.account, skTime: `${iso(Date.parse(old.eventTime!))}#${old.id}` };
      await dynalite.client.send(new PutCommand({ TableName: store.table.name, Item: item }));

      // Act
      const before = await store.reader.getHistory(old.id);
      await store.triage.transition(old.id, { action: "resolve", actor: "carol" });

      // Assess
      const creation = { at: old.detectedAt, actor: "vigil", action: "create", from: null, to: "acknowledged" };
      expect(before).toStrictEqual([creation]);
      expect(await store.reader.getHistory(old.id)).toStrictEqual([creation, { at: iso(T0), actor: "carol", action: "resolve", from: "acknowledged", to: "resolved" }]);
    });

    it("is undefined for an unknown finding", async () => {
      const { store } = await storeWith();

      expect(await store.reader.getHistory("no-such-finding")).toBeUndefined();
      expect(await store.reader.getFindingWithHistory("no-such-finding")).toBeUndefined();
    });
  });
});

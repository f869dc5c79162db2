import { atLeast, type Finding, FINDING_STATUSES, SEVERITIES } from "@vigil/core";
import type { FindingStore, HistoryEntry } from "@vigil/store-dynamodb";
import { type RunningDynalite, startDynalite } from "@vigil/store-dynamodb/local";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { freshStore, newestFirst } from "../store-dynamodb/findingFactory.ts";
import { ALICE, apiRequest, jsonOf, namedParameters, routerFor, RULES, seededFindings, seededRecord } from "./routerHarness.ts";

type Page = { items: Finding[]; cursor?: string };
type Detail = { finding: Finding; history: HistoryEntry[] };
type Transition = { finding: Finding; entry: HistoryEntry };
type ErrorBody = { message: string; requestId: string; issues?: { parameter: string; message: string }[] };

const FAR_FUTURE = "2099-01-01T00:00:00Z";

let dynalite: RunningDynalite;
beforeAll(async () => {
  dynalite = await startDynalite();
});
afterAll(async () => {
  await dynalite?.close();
});

let store: FindingStore;
let findings: Finding[];
let router: ReturnType<typeof routerFor>;
beforeEach(async () => {
  store = await freshStore(dynalite);
  findings = seededFindings();
  await store.writer.putFindings(findings, { sourceEvents: (finding) => [seededRecord(finding)] });
  router = routerFor(store);
});

const ids = (list: readonly Finding[]) => list.map((finding) => finding.id);
const byId = (id: string) => findings.find((finding) => finding.id === id) as Finding;
const path = (id: string) => `/findings/${encodeURIComponent(id)}`;

describe("Function: createRouter", () => {
  describe("GET /findings", () => {
    it("lists the findings under an OU or root, with their account names and OU paths, combined with other filters", async () => {
      const underOu = jsonOf<Page>(await router.handle(apiRequest("GET", "/findings", { query: { ou: "ou-ab12-workload" } })));
      const underRoot = jsonOf<Page>(await router.handle(apiRequest("GET", "/findings", { query: { ou: "r-ab12", severity: "CRITICAL" } })));
      const elsewhere = jsonOf<Page>(await router.handle(apiRequest("GET", "/findings", { query: { ou: "ou-ab12-sandbox1" } })));

      expect(ids(underOu.items)).toEqual(ids(newestFirst(findings.filter((f) => f.account === "444455556666"))));
      expect(underOu.items.every((f) => f.accountName === "workload-prod" && f.ouPath === "o-a1b2c3d4e5/r-ab12/ou-ab12-workload/")).toBe(true);
      expect(ids(underRoot.items)).toEqual(ids(newestFirst(findings.filter((f) => f.account === "444455556666" && f.severity === "CRITICAL"))));
      expect(elsewhere.items).toEqual([]);
    });

    it("refuses an ou that is no OU or root id, naming the parameter", async () => {
      const response = await router.handle(apiRequest("GET", "/findings", { query: { ou: "Workloads" } }));

      expect(response.statusCode).toBe(400);
      expect(jsonOf<ErrorBody>(response).issues).toEqual([{ parameter: "ou", message: expect.stringContaining("OU id (ou-...)") }]);
    });

    it("lists every finding newest first when no filter is given", async () => {
      const response = await router.handle(apiRequest("GET", "/findings"));
      expect(response.statusCode).toBe(200);
      expect(ids(jsonOf<Page>(response).items)).toEqual(ids(newestFirst(findings)));
    });

    it("combines filters: status, minimum severity and account", async () => {
      const response = await router.handle(apiRequest("GET", "/findings", { query: { status: "open", severity: "HIGH", account: "111122223333" } }));
      const expected = newestFirst(findings.filter((f) => f.status === "open" && atLeast(f.severity, "HIGH") && f.account === "111122223333"));
      expect(expected.length).toBeGreaterThan(1);
      expect(ids(jsonOf<Page>(response).items)).toEqual(ids(expected));
    });

    it("filters by rule, principal and resource, and by a time range", async () => {
      const sample = byId(findings[4]!.id);
      const cases: [Record<string, string>, (f: Finding) => boolean][] = [
        [{ ruleId: "access-key-created" }, (f) => f.ruleId === "access-key-created"],
        [{ principal: "arn:aws:iam::111122223333:root" }, (f) => f.principal === "arn:aws:iam::111122223333:root"],
        [{ resource: sample.resource }, (f) => f.resource === sample.resource],
        [{ since: findings[3]!.eventTime!, until: findings[7]!.eventTime! }, (f) => f.eventTime! >= findings[3]!.eventTime! && f.eventTime! < findings[7]!.eventTime!],
      ];
      for (const [query, keep] of cases) {
        const response = await router.handle(apiRequest("GET", "/findings", { query }));
        expect(ids(jsonOf<Page>(response).items), JSON.stringify(query)).toEqual(ids(newestFirst(findings.filter(keep))));
      }
    });

    it("pages with the cursor of the same query, and refuses it for another query", async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const response = await router.handle(apiRequest("GET", "/findings", { query: { limit: "5", ...(cursor ? { cursor } : {}) } }));
        const page = jsonOf<Page>(response);
        expect(page.items.length).toBeLessThanOrEqual(5);
        seen.push(...ids(page.items));
        cursor = page.cursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(ids(newestFirst(findings)));
      expect(pages).toBe(3);

      const first = jsonOf<Page>(await router.handle(apiRequest("GET", "/findings", { query: { limit: "2" } })));
      const other = await router.handle(apiRequest("GET", "/findings", { query: { limit: "2", status: "open", cursor: first.cursor! } }));
      expect(namedParameters(other)).toEqual(["cursor"]);
    });

    it("refuses unknown parameters, naming each, rather than ignoring them", async () => {
      const response = await router.handle(apiRequest("GET", "/findings", { query: { status: "open", colour: "red", sort: "asc" } }));
      expect(namedParameters(response).sort()).toEqual(["colour", "sort"]);
      const body = jsonOf<ErrorBody>(response);
      expect(body.message).toContain("colour: unknown parameter; expected status, severity, ruleId");
      expect(body.requestId).toMatch(/^test-request-/);
    });

    it.each([
      ["status", "closed"],
      ["severity", "SEVERE"],
      ["severity", "high"],
      ["limit", "0"],
      ["limit", "101"],
      ["limit", "ten"],
      ["limit", "0x10"],
      ["since", "yesterday"],
      ["until", "2026-02-30T00:00:00Z"],
      ["account", "12345"],
      ["ruleId", ""],
      ["cursor", "not-a-cursor"],
    ])("answers 400 naming %s for %j", async (parameter, value) => {
      const response = await router.handle(apiRequest("GET", "/findings", { query: { [parameter]: value } }));
      expect(namedParameters(response)).toEqual([parameter]);
      expect(jsonOf<ErrorBody>(response).message).toMatch(new RegExp(`^${parameter}: expected|^cursor: the cursor is not valid`));
    });

    it("answers 400 naming until when it is not after since (the store's own check)", async () => {
      const response = await router.handle(apiRequest("GET", "/findings", { query: { since: "2026-11-02T00:00:00Z", until: "2026-11-01T00:00:00Z" } }));
      expect(namedParameters(response)).toEqual(["until"]);
    });
  });

  describe("GET /findings/{id}", () => {
    it("returns the finding and its history, the id percent-encoded or not", async () => {
      const target = findings[2]!;
      for (const route of [path(target.id), `/findings/${target.id}`]) {
        const response = await router.handle(apiRequest("GET", route));
        expect(response.statusCode).toBe(200);
        const { finding, history } = jsonOf<Detail>(response);
        expect(finding).toEqual(target);
        expect(history).toEqual([{ at: expect.any(String), actor: "vigil", action: "create", from: null, to: target.status }]);
      }
    });

    it("returns the CloudTrail record behind the finding, which the list does not carry", async () => {
      const target = findings[2]!;
      const detail = jsonOf<Record<string, unknown>>(await router.handle(apiRequest("GET", path(target.id))));
      expect(detail).toMatchObject({ events: [{ eventId: target.eventId, record: seededRecord(target) }], eventsNotKept: [] });
      const page = jsonOf<Record<string, unknown>>(await router.handle(apiRequest("GET", "/findings")));
      expect(JSON.stringify(page)).not.toContain("awsRegion");
    });

    it("answers 404 for an unknown id, naming it", async () => {
      const response = await router.handle(apiRequest("GET", path("iam-user-created:ffffffffffffffffffffffff")));
      expect(response.statusCode).toBe(404);
      expect(jsonOf<ErrorBody>(response).message).toBe("finding iam-user-created:ffffffffffffffffffffffff does not exist");
    });

    it("answers 400 naming id for malformed percent-encoding", async () => {
      expect(namedParameters(await router.handle(apiRequest("GET", "/findings/%E0%A4%A")))).toEqual(["id"]);
    });
  });

  describe("PATCH /findings/{id}", () => {
    const open = () => findings.find((f) => f.status === "open")!;
    const resolved = () => findings.find((f) => f.status === "resolved")!;

    it("acknowledges as the request's actor and records it in the history", async () => {
      const target = open();
      const response = await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "acknowledge", reason: "looking into it" } }));
      expect(response.statusCode).toBe(200);
      const { finding, entry } = jsonOf<Transition>(response);
      expect(finding.status).toBe("acknowledged");
      expect(entry).toMatchObject({ actor: ALICE, action: "acknowledge", from: "open", to: "acknowledged", reason: "looking into it" });
      const { history } = jsonOf<Detail>(await router.handle(apiRequest("GET", path(target.id))));
      expect(history.at(-1)).toEqual(entry);
    });

    it("takes the actor from the request, never from the body: an actor field is refused and changes nothing", async () => {
      const target = open();
      const response = await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "resolve", actor: "arn:aws:iam::111122223333:user/mallory" } }));
      expect(namedParameters(response)).toEqual(["actor"]);
      const { finding, history } = jsonOf<Detail>(await router.handle(apiRequest("GET", path(target.id))));
      expect(finding.status).toBe("open");
      expect(history).toHaveLength(1);

      const bob = "arn:aws:iam::444455556666:user/bob";
      const done = jsonOf<Transition>(await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "resolve" }, actor: bob })));
      expect(done.entry.actor).toBe(bob);
    });

    it("suppresses with a reason and an expiry", async () => {
      const target = open();
      const response = await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "suppress", reason: "break-glass test account", until: FAR_FUTURE } }));
      const { finding, entry } = jsonOf<Transition>(response);
      expect(finding.status).toBe("suppressed");
      expect(entry).toMatchObject({ action: "suppress", reason: "break-glass test account", until: "2099-01-01T00:00:00.000Z", actor: ALICE });
    });

    it.each([
      [{ action: "suppress" }, "reason", "required to suppress a finding"],
      [{ action: "suppress", reason: "   " }, "reason", "expected a non-empty string"],
      [{ action: "suppress", reason: "x", until: "2020-01-01T00:00:00Z" }, "until", "expected an instant after now"],
      [{ action: "suppress", reason: "x", until: "next week" }, "until", "expected an ISO 8601 instant"],
      [{ action: "acknowledge", until: FAR_FUTURE }, "until", "only a suppression can have an expiry"],
      [{ action: "close" }, "action", "expected one of acknowledge, suppress, resolve, reopen"],
      [{ reason: "no action" }, "action", "expected one of acknowledge, suppress, resolve, reopen"],
      [{ action: "resolve", reason: 42 }, "reason", "expected a string"],
      ["not json", "body", "expected a JSON object"],
      [["acknowledge"], "body", "expected a JSON object"],
    ])("answers 400 for %j naming %s", async (body, parameter, message) => {
      const target = open();
      const response = await router.handle(apiRequest("PATCH", path(target.id), { body }));
      expect(namedParameters(response)).toEqual([parameter]);
      expect(jsonOf<ErrorBody>(response).issues?.[0]?.message).toContain(message);
      expect(jsonOf<Detail>(await router.handle(apiRequest("GET", path(target.id)))).finding.status).toBe("open");
    });

    it("answers 400 for a missing body, 415 for a non-JSON content type and 413 for an oversized body", async () => {
      const id = open().id;
      expect(namedParameters(await router.handle(apiRequest("PATCH", path(id))))).toEqual(["body"]);
      const form = await router.handle(apiRequest("PATCH", path(id), { body: "action=resolve", headers: { "content-type": "application/x-www-form-urlencoded" } }));
      expect(form.statusCode).toBe(415);
      const huge = await router.handle(apiRequest("PATCH", path(id), { body: { action: "resolve", reason: "x".repeat(20_000) } }));
      expect(huge.statusCode).toBe(413);
    });

    it("answers 409 for a transition the status does not allow, naming the allowed ones", async () => {
      const response = await router.handle(apiRequest("PATCH", path(resolved().id), { body: { action: "acknowledge" } }));
      expect(response.statusCode).toBe(409);
      expect(jsonOf<ErrorBody>(response).message).toBe(`cannot acknowledge finding ${resolved().id}: it is resolved (allowed from resolved: reopen)`);
      const reopenOpen = await router.handle(apiRequest("PATCH", path(open().id), { body: { action: "reopen" } }));
      expect(reopenOpen.statusCode).toBe(409);
    });

    it("answers 404 for an unknown finding", async () => {
      const response = await router.handle(apiRequest("PATCH", path("iam-user-created:ffffffffffffffffffffffff"), { body: { action: "resolve" } }));
      expect(response.statusCode).toBe(404);
    });

    it("answers 401 when the transport identified no caller, and changes nothing", async () => {
      const target = open();
      for (const actor of [undefined, "  "]) {
        const response = await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "resolve" }, actor }));
        expect(response.statusCode).toBe(401);
      }
      expect(jsonOf<Detail>(await router.handle(apiRequest("GET", path(target.id)))).finding.status).toBe("open");
    });
  });

  describe("GET /rules", () => {
    it("lists every rule and posture check with its effective configuration", async () => {
      const { rules } = jsonOf<{ rules: Record<string, unknown>[] }>(await router.handle(apiRequest("GET", "/rules")));
      expect(rules.map((rule) => rule.id)).toEqual([...RULES.catalogue, ...RULES.checks].map((unit) => unit.meta.id));
      const byRule = new Map(rules.map((rule) => [rule.id, rule]));
      expect(byRule.get("console-login-failures")).toMatchObject({ kind: "threshold", severity: "MEDIUM", enabled: true, params: { threshold: 10, windowMinutes: 10 } });
      expect(byRule.get("iam-user-created")).toMatchObject({ kind: "event", title: "IAM user created", severity: "LOW", enabled: false, params: {} });
      expect(byRule.get("root-access-keys-present")).toMatchObject({ kind: "posture", enabled: true });
      expect(byRule.get("root-console-login")?.references).toEqual(RULES.catalogue.find((rule) => rule.meta.id === "root-console-login")?.meta.references);
    });
  });

  describe("GET /summary", () => {
    it("counts the findings by severity, status and every known rule, a disabled rule's findings included", async () => {
      const summary = jsonOf<{ bySeverity: Record<string, number>; byStatus: Record<string, number>; byRule: Record<string, number> }>(
        await router.handle(apiRequest("GET", "/summary")),
      );
      const count = (keep: (f: Finding) => boolean) => findings.filter(keep).length;
      expect(summary.bySeverity).toEqual(Object.fromEntries(SEVERITIES.map((s) => [s, count((f) => f.severity === s)])));
      expect(summary.byStatus).toEqual(Object.fromEntries(FINDING_STATUSES.map((s) => [s, count((f) => f.status === s)])));
      expect(summary.byRule["iam-user-created"]).toBe(2);
      expect(summary.byRule["access-key-created"]).toBe(3);
      expect(summary.byRule["trust-policy-public"]).toBe(0);
      expect(Object.keys(summary.byRule)).toHaveLength(RULES.catalogue.length + RULES.checks.length);
    });

    it("counts the findings by account, naming the accounts the organization knew", async () => {
      const { byAccount } = jsonOf<{ byAccount: Record<string, { count: number; accountName?: string }> }>(await router.handle(apiRequest("GET", "/summary")));

      expect(byAccount).toEqual({
        "111122223333": { count: findings.filter((f) => f.account === "111122223333").length },
        "444455556666": { count: findings.filter((f) => f.account === "444455556666").length, accountName: "workload-prod" },
      });
    });

    it("follows triage: a resolved finding moves from open to resolved", async () => {
      const target = findings.find((f) => f.status === "open")!;
      await router.handle(apiRequest("PATCH", path(target.id), { body: { action: "resolve" } }));
      const { byStatus } = jsonOf<{ byStatus: Record<string, number> }>(await router.handle(apiRequest("GET", "/summary")));
      expect(byStatus.open).toBe(findings.filter((f) => f.status === "open").length - 1);
      expect(byStatus.resolved).toBe(findings.filter((f) => f.status === "resolved").length + 1);
    });
  });

  describe("routing", () => {
    it("answers 404 for an unknown path and 405 with Allow for a method a path does not take", async () => {
      const unknown = await router.handle(apiRequest("GET", "/finding"));
      expect(unknown.statusCode).toBe(404);
      const deleted = await router.handle(apiRequest("DELETE", path(findings[0]!.id)));
      expect(deleted.statusCode).toBe(405);
      expect(deleted.headers.allow).toBe("GET, PATCH");
    });

    it("refuses query parameters on routes that take none, and answers JSON that is never cached", async () => {
      expect(namedParameters(await router.handle(apiRequest("GET", "/summary", { query: { rule: "x" } })))).toEqual(["rule"]);
      const response = await router.handle(apiRequest("GET", "/rules"));
      expect(response.headers).toMatchObject({ "content-type": "application/json", "cache-control": "no-store" });
    });
  });

  describe("internal errors", () => {
    it("answers a generic 500 with the request id, logs the error under that id, and never echoes it", async () => {
      const broken = await startDynalite();
      const brokenStore = await freshStore(broken);
      await brokenStore.writer.putFindings(findings.slice(0, 1));
      await broken.close();
      const logged: { message: string; attributes: Record<string, unknown> }[] = [];
      const failing = routerFor(brokenStore, { error: (message, attributes) => logged.push({ message, attributes }) });

      for (const request of [
        apiRequest("GET", "/findings"),
        apiRequest("GET", path(findings[0]!.id)),
        apiRequest("PATCH", path(findings[0]!.id), { body: { action: "resolve" } }),
        apiRequest("GET", "/summary"),
      ]) {
        const response = await failing.handle(request);
        expect(response.statusCode).toBe(500);
        expect(JSON.parse(response.body)).toEqual({ message: "Internal error", requestId: request.requestId });
        const entry = logged.at(-1)!;
        expect(entry.attributes.requestId).toBe(request.requestId);
        expect(entry.attributes.error).toBeInstanceOf(Error);
        expect(response.body).not.toContain((entry.attributes.error as Error).message);
      }
      expect(logged).toHaveLength(4);
    });
  });
});

import { catalogue, defineRule, Engine, MemoryWindowStore, OrganizationDirectory, parseEvent, resolveConfig } from "@vigil/core";
import * as z from "zod";
import { describe, expect, it } from "vitest";
import { evaluateFixture, evaluateValue, FIXED_NOW } from "../../../helpers/evaluate.ts";
import { loadFixture } from "../../../helpers/fixtures.ts";
import { INVENTORY, inventoryWithout } from "../../../helpers/inventory.ts";

const ROOT_LOGIN = "rules/root-console-login/positive-without-mfa.json";
const CREATE_USER = "rules/iam-user-created/positive-by-access-key.json";

describe("Class: Engine", () => {
  it("gives the same finding id for the same event, whatever envelope or run it comes in", async () => {
    const [first] = await evaluateFixture(CREATE_USER);
    const record = (loadFixture(CREATE_USER) as { Records: unknown[] }).Records[0];
    const [again] = await evaluateValue({ "detail-type": "AWS API Call via CloudTrail", detail: record });
    expect(first?.id).toBeDefined();
    expect(again?.id).toBe(first?.id);
  });

  it("fills a finding from the event and the rule's metadata", async () => {
    const findings = await evaluateFixture(ROOT_LOGIN);
    const finding = findings.find((f) => f.ruleId === "root-console-login");
    expect(finding).toMatchObject({
      ruleId: "root-console-login",
      severity: "CRITICAL",
      status: "open",
      eventId: "3f2a7c4e-61b0-4f7e-9a55-0d7b3c1e2f90",
      eventName: "ConsoleLogin",
      eventTime: "2026-11-20T08:14:09Z",
      account: "111122223333",
      region: "us-east-1",
      principal: "arn:aws:iam::111122223333:root",
      resource: "arn:aws:iam::111122223333:root",
      sourceIPAddress: "203.0.113.77",
      detectedAt: FIXED_NOW.toISOString(),
    });
    expect(finding?.references.map((reference) => reference.id)).toContain("4.3");
  });

  describe("in organization mode", () => {
    it("names the account and its OU on each finding, and gives the same id as without the organization", async () => {
      const [plain] = await evaluateFixture(CREATE_USER);
      const [placed] = await evaluateFixture(CREATE_USER, { organization: INVENTORY });

      expect(placed).toMatchObject({ account: "111122223333", accountName: "security", ouPath: "o-a1b2c3d4e5/r-ab12/ou-ab12-securit1/" });
      expect(placed?.id).toBe(plain?.id);
      expect(plain).not.toHaveProperty("accountName");
      expect(plain).not.toHaveProperty("ouPath");
    });

    it("leaves name and OU out for an account the inventory does not know", async () => {
      const [finding] = await evaluateFixture(CREATE_USER, { organization: inventoryWithout("111122223333") });

      expect(finding?.account).toBe("111122223333");
      expect(finding).not.toHaveProperty("accountName");
      expect(finding).not.toHaveProperty("ouPath");
    });

    it("places each event with the inventory its getter hands back at that moment", async () => {
      let directory = new OrganizationDirectory(inventoryWithout("111122223333"));
      const engine = new Engine({ rules: catalogue, config: resolveConfig({}, catalogue), windows: new MemoryWindowStore(), now: () => FIXED_NOW, organization: () => directory });
      const event = parseEvent((loadFixture(CREATE_USER) as { Records: unknown[] }).Records[0]);

      const before = await engine.evaluate(event);
      directory = new OrganizationDirectory(INVENTORY);
      const after = await engine.evaluate(event);

      expect(before.findings.map((finding) => finding.accountName)).toEqual([undefined]);
      expect(after.findings.map((finding) => finding.accountName)).toEqual(["security"]);
    });
  });

  it("applies configured severity and disabled rules", async () => {
    const lowered = await evaluateFixture(ROOT_LOGIN, { config: { rules: { "root-console-login": { severity: "LOW" } } } });
    expect(lowered.find((f) => f.ruleId === "root-console-login")?.severity).toBe("LOW");
    const disabled = await evaluateFixture(ROOT_LOGIN, { config: { rules: { "root-console-login": { enabled: false } } } });
    expect(disabled.filter((f) => f.ruleId === "root-console-login")).toEqual([]);
  });

  it("skips ignored principals, by caller ARN or by a role session's role, for the listed rules only", async () => {
    const byUser = await evaluateFixture(CREATE_USER, {
      config: { ignore: [{ principal: "arn:aws:iam::*:user/ci-*", reason: "CI provisions users", rules: ["iam-user-created"] }] },
    });
    expect(byUser.filter((f) => f.ruleId === "iam-user-created")).toEqual([]);

    const otherRule = await evaluateFixture(CREATE_USER, {
      config: { ignore: [{ principal: "arn:aws:iam::*:user/ci-*", reason: "CI", rules: ["root-console-login"] }] },
    });
    expect(otherRule.filter((f) => f.ruleId === "iam-user-created")).toHaveLength(1);

    const record = (loadFixture(CREATE_USER) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;
    record.userIdentity = (loadFixture("rules/iam-user-created/negative-access-denied.json") as Record<string, unknown>).userIdentity;
    const asRole = { ...record, eventID: "role-session-create-user" };
    expect((await evaluateValue(asRole)).filter((f) => f.ruleId === "iam-user-created")).toHaveLength(1);
    const roleIgnored = await evaluateValue(asRole, {
      config: { ignore: [{ principal: "arn:aws:iam::111122223333:role/Developer", reason: "provisioning role" }] },
    });
    expect(roleIgnored).toEqual([]);
  });

  it("keeps going when one rule throws, and reports which rule failed on which event", async () => {
    const broken = defineRule({
      kind: "event",
      meta: { ...catalogue[0]!.meta, id: "always-throws" },
      selectors: [{ eventSource: "signin.amazonaws.com", eventNames: ["ConsoleLogin"] }],
      evaluate() {
        throw new Error("boom");
      },
    });
    const rules = [broken, ...catalogue];
    const engine = new Engine({ rules, config: resolveConfig({}, rules), windows: new MemoryWindowStore(), now: () => FIXED_NOW });
    const record = (loadFixture(ROOT_LOGIN) as { Records: unknown[] }).Records[0];
    const result = await engine.evaluate(parseEvent(record));
    expect(result.failures).toEqual([{ ruleId: "always-throws", eventId: "3f2a7c4e-61b0-4f7e-9a55-0d7b3c1e2f90", error: new Error("boom") }]);
    expect(result.findings.map((f) => f.ruleId)).toContain("root-console-login");
  });

  it("fires a threshold rule once per burst, counts a redelivered event once, and forgets events outside the window", async () => {
    const failures = defineRule({
      kind: "threshold",
      meta: { ...catalogue[0]!.meta, id: "test-burst" },
      selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
      params: z.strictObject({ threshold: z.number().default(3), windowMinutes: z.number().default(10) }),
      key: (event) => event.userIdentity.arn,
      describe: (key, { count }) => ({ resource: key, summary: `${count} calls by ${key}` }),
    });
    const engine = new Engine({ rules: [failures], config: resolveConfig({}, [failures]), windows: new MemoryWindowStore(), now: () => FIXED_NOW });
    const record = (loadFixture(CREATE_USER) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;
    const at = (id: string, time: string) => parseEvent({ ...record, eventID: id, eventTime: time });

    expect((await engine.evaluate(at("a", "2026-11-20T08:00:00Z"))).findings).toEqual([]);
    expect((await engine.evaluate(at("a", "2026-11-20T08:00:00Z"))).findings).toEqual([]); // redelivery
    expect((await engine.evaluate(at("b", "2026-11-20T08:15:00Z"))).findings).toEqual([]); // "a" fell out
    expect((await engine.evaluate(at("c", "2026-11-20T08:16:00Z"))).findings).toEqual([]);
    const fired = (await engine.evaluate(at("d", "2026-11-20T08:17:00Z"))).findings;
    expect(fired).toHaveLength(1);
    expect(fired[0]).toMatchObject({ eventId: "d", eventIds: ["b", "c", "d"], summary: "3 calls by arn:aws:iam::111122223333:user/ci-deployer" });
    expect((await engine.evaluate(at("e", "2026-11-20T08:18:00Z"))).findings).toEqual([]); // the window started again
  });

  it("hands back what the ignore list silenced, apart from the findings, when asked to (vigil scan); never runs the rule otherwise (the monitor)", async () => {
    const rules = catalogue;
    const config = resolveConfig({ ignore: [{ principal: "arn:aws:iam::*:user/ci-*", reason: "CI provisions users", rules: ["iam-user-created"] }] }, rules);
    const record = (loadFixture(CREATE_USER) as { Records: unknown[] }).Records[0];
    const reporting = new Engine({ rules, config, windows: new MemoryWindowStore(), now: () => FIXED_NOW, reportIgnored: true });
    const quiet = new Engine({ rules, config, windows: new MemoryWindowStore(), now: () => FIXED_NOW });

    const reported = await reporting.evaluate(parseEvent(record));
    const skipped = await quiet.evaluate(parseEvent(record));

    expect(reported.findings.filter((f) => f.ruleId === "iam-user-created")).toEqual([]);
    expect(reported.ignored.map((f) => f.ruleId)).toEqual(["iam-user-created"]);
    expect(skipped.findings.filter((f) => f.ruleId === "iam-user-created")).toEqual([]);
    expect(skipped.ignored).toEqual([]);
  });

  it("counts an ignored principal's burst as silenced without adding its events to anyone else's window", async () => {
    const burst = defineRule({
      kind: "threshold",
      meta: { ...catalogue[0]!.meta, id: "test-burst" },
      selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
      params: z.strictObject({ threshold: z.number().default(3), windowMinutes: z.number().default(10) }),
      key: () => "every caller",
      describe: (key, { count }) => ({ resource: key, summary: `${count} calls` }),
    });
    const config = resolveConfig({ ignore: [{ principal: "arn:aws:iam::*:user/ci-*", reason: "CI" }] }, [burst]);
    const engine = new Engine({ rules: [burst], config, windows: new MemoryWindowStore(), now: () => FIXED_NOW, reportIgnored: true });
    const record = (loadFixture(CREATE_USER) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;
    const by = (arn: string, id: string) => parseEvent({ ...record, eventID: id, userIdentity: { ...(record.userIdentity as object), arn } });
    const ci = "arn:aws:iam::111122223333:user/ci-deployer";
    const maria = "arn:aws:iam::111122223333:user/maria";

    const results = [];
    for (const [arn, id] of [[ci, "a"], [ci, "b"], [maria, "c"], [ci, "d"]] as const) results.push(await engine.evaluate(by(arn, id)));
    expect(results.flatMap((result) => result.findings)).toEqual([]); // maria's one call is no burst
    expect(results.flatMap((result) => result.ignored).map((f) => f.eventIds)).toEqual([["a", "b", "d"]]);
  });
});

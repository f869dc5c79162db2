import { catalogue, defineRule, Engine, MemoryWindowStore, need, parseEvent, resolveConfig } from "@vigil/core";
import { describe, expect, it } from "vitest";
import { FIXED_NOW } from "../../../helpers/evaluate.ts";
import { loadFixture } from "../../../helpers/fixtures.ts";

const CREATE_USER = "rules/iam-user-created/positive-by-access-key.json";
const record = () => (loadFixture(CREATE_USER) as { Records: Record<string, unknown>[] }).Records[0] as Record<string, unknown>;

/** Any rule, not only the catalogue's, gets a finding when it cannot read what it needs. */
const needsTags = defineRule({
  kind: "event",
  meta: { ...catalogue[0]!.meta, id: "needs-tags", severity: "LOW" },
  selectors: [{ eventSource: "iam.amazonaws.com", eventNames: ["CreateUser"] }],
  evaluate: (event) => ({ resource: "x", summary: need(event, "requestParameters.tags", "who owns the user") }),
});

function engineWith(config: Parameters<typeof resolveConfig>[0] = {}) {
  return new Engine({ rules: [needsTags], config: resolveConfig(config, [needsTags]), windows: new MemoryWindowStore(), now: () => FIXED_NOW });
}

describe("Class: Engine, on fields a rule cannot read", () => {
  it("makes a finding of that rule, at its severity, with resource unknown, not a failure", async () => {
    const result = await engineWith().evaluate(parseEvent(record()));

    expect(result.failures).toEqual([]);
    expect(result.findings).toEqual([
      expect.objectContaining({
        ruleId: "needs-tags",
        severity: "LOW",
        resource: "unknown",
        summary: "CreateUser by arn:aws:iam::111122223333:user/ci-deployer: Vigil could not read requestParameters.tags (absent), so it cannot tell who owns the user.",
        details: { missing: [{ field: "requestParameters.tags", found: "absent" }] },
      }),
    ]);
  });

  it("takes the configured severity and honours the ignore list, like any finding", async () => {
    const event = parseEvent(record());
    const raised = await engineWith({ rules: { "needs-tags": { severity: "HIGH" } } }).evaluate(event);
    const ignored = await engineWith({ ignore: [{ principal: "arn:aws:iam::111122223333:user/ci-deployer", reason: "test" }] }).evaluate(event);

    expect(raised.findings.map((f) => f.severity)).toEqual(["HIGH"]);
    expect(ignored.findings).toEqual([]);
  });
});

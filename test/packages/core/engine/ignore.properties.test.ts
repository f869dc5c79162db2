import { BlockList, isIP } from "node:net";
import { type CloudTrailEvent, type ConfigInput, catalogue, Engine, type Evaluation, expiredEntries, extractRecords, identifiedCaller, issuerArn, MemoryWindowStore, parseEvent, principalArn, resolveConfig } from "@vigil/core";
import { loadActionIndex } from "@vigil/iam-actions";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { FIXED_NOW } from "../../../helpers/evaluate.ts";
import { loadFixture, ruleFixtures } from "../../../helpers/fixtures.ts";

const actions = loadActionIndex();

/** Every positive fixture's records, with the rule they were written for: real-shaped calls that make at least one finding. */
const records = catalogue.flatMap((rule) =>
  ruleFixtures(rule.meta.id).positive.flatMap((file) =>
    [...extractRecords(loadFixture(file))].flatMap((item) => (item.kind === "record" ? [{ ruleId: rule.meta.id, record: item.value as Record<string, any> }] : [])),
  ),
);
const ruleIds = catalogue.map((rule) => rule.meta.id);

async function evaluate(event: CloudTrailEvent, ignore: NonNullable<ConfigInput["ignore"]> = []): Promise<Evaluation> {
  const engine = new Engine({ rules: catalogue, config: resolveConfig({ ignore }, catalogue), windows: new MemoryWindowStore(), now: () => FIXED_NOW, actions, reportIgnored: true });
  return engine.evaluate(event);
}

// A pattern is built from plain text and at most a leading or trailing `*`, so that whether it matches
// is plain string arithmetic here, apart from the code under test.
const plain = fc.string({ maxLength: 24 }).filter((text) => !/[*?]/.test(text));
type Pattern = { glob: string; matches(value: string | undefined): boolean };
function pattern(value: string | undefined, fold: (text: string) => string = (text) => text): fc.Arbitrary<Pattern> {
  const text = value ?? "";
  const cut = fc.nat({ max: text.length });
  // Mostly made from the call's own value, so that most entries match and each matcher decides some outcomes.
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant({ glob: text || "x", matches: (v: string | undefined) => v !== undefined && fold(v) === fold(text || "x") }) },
    { weight: 3, arbitrary: cut.map((n) => ({ glob: `${text.slice(0, n)}*`, matches: (v: string | undefined) => v !== undefined && fold(v).startsWith(fold(text.slice(0, n))) })) },
    { weight: 3, arbitrary: cut.map((n) => ({ glob: `*${text.slice(n)}`, matches: (v: string | undefined) => v !== undefined && fold(v).endsWith(fold(text.slice(n))) })) },
    { weight: 1, arbitrary: plain.filter((t) => t !== "").map((t) => ({ glob: t, matches: (v: string | undefined) => v !== undefined && fold(v) === fold(t) })) },
    { weight: 1, arbitrary: plain.map((t) => ({ glob: `*${t}*`, matches: (v: string | undefined) => v !== undefined && fold(v).includes(fold(t)) })) },
  );
}

const lower = (text: string) => text.toLowerCase();
const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom("cloudformation.amazonaws.com", "AWS Internal"));
const v4 = (ip: fc.Arbitrary<string>) => fc.tuple(ip, fc.integer({ min: 0, max: 32 })).map(([network, prefix]) => ({ network, prefix, family: "ipv4" as const }));
const v6 = (ip: fc.Arbitrary<string>) => fc.tuple(ip, fc.integer({ min: 0, max: 128 })).map(([network, prefix]) => ({ network, prefix, family: "ipv6" as const }));
/** A block anywhere, or one around the call's own address, so that both outcomes come up. */
function cidr(own: string | undefined) {
  const version = isIP(own ?? "");
  const around = version === 4 ? [v4(fc.constant(own!))] : version === 6 ? [v6(fc.constant(own!))] : [];
  return fc.oneof(v4(fc.ipV4()), v6(fc.ipV6()), ...around, ...around, ...around, ...around);
}
/** Around FIXED_NOW (2026-11-22T12:00Z): the day before, the day itself, the day after, and instants either side. */
const expires = fc.constantFrom(
  { text: "2026-11-21", active: false },
  { text: "2026-11-22", active: true },
  { text: "2026-11-23", active: true },
  { text: "2026-11-22T12:00:00Z", active: false },
  { text: "2026-11-22T12:00:00.001Z", active: true },
  { text: "2026-11-22T13:00:00+02:00", active: false },
  { text: "2026-11-22T14:00:00.001+02:00", active: true },
);
/** Present half the time: an entry gives any combination of matchers. */
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined, freq: 2 });

/** A positive fixture record with the fields an ignore entry reads varied. */
const event = fc
  .record({
    source: fc.constantFrom(...records),
    userAgent: fc.option(fc.oneof(plain, fc.constantFrom("APN/1.0 HashiCorp/1.0 Terraform/1.9.5", "aws-cli/2.22.4", "AWS Internal")), { nil: undefined }),
    sourceIPAddress: fc.option(address, { nil: undefined }),
    invokedBy: fc.option(fc.constantFrom("cloudformation.amazonaws.com", "lambda.amazonaws.com", "AWS Internal"), { nil: undefined }),
  })
  .map(({ source, userAgent, sourceIPAddress, invokedBy }) => {
    const copy = structuredClone(source.record);
    copy.userAgent = userAgent;
    copy.sourceIPAddress = sourceIPAddress;
    if (invokedBy !== undefined && copy.userIdentity) copy.userIdentity.invokedBy = invokedBy;
    return { ruleId: source.ruleId, parsed: parseEvent(copy) };
  });

describe("Properties: ignore entries", () => {
  it("silence a rule's finding exactly when every matcher given matches, the entry has not expired and the rule is listed", async () => {
    const scenario = event.chain(({ ruleId, parsed }) =>
      fc.record({
        event: fc.constant(parsed),
        principal: maybe(pattern(issuerArn(parsed) ?? principalArn(parsed))),
        userAgent: maybe(pattern(parsed.userAgent, lower)),
        invokedBy: maybe(pattern(parsed.userIdentity.invokedBy)),
        sourceIp: maybe(fc.array(cidr(parsed.sourceIPAddress), { minLength: 1, maxLength: 3 })),
        expires: maybe(expires),
        // The rule the record was written for, or others: listed or not, both outcomes come up.
        rules: maybe(fc.tuple(fc.constantFrom(...ruleIds), fc.constantFrom(...ruleIds)).chain((others) => fc.subarray([ruleId, ...others], { minLength: 1 }))),
      }),
    );
    await fc.assert(
      fc.asyncProperty(scenario, async ({ event: parsed, principal, userAgent, invokedBy, sourceIp, expires: expiry, rules }) => {
        const baseline = await evaluate(parsed);
        fc.pre(baseline.findings.length > 0 && Boolean(principal || userAgent || invokedBy || sourceIp));
        const entry = {
          reason: "property",
          ...(principal ? { principal: principal.glob } : {}),
          ...(userAgent ? { userAgent: userAgent.glob } : {}),
          ...(invokedBy ? { invokedBy: invokedBy.glob } : {}),
          ...(sourceIp ? { sourceIp: sourceIp.map((range) => `${range.network}/${range.prefix}`) } : {}),
          ...(expiry ? { expires: expiry.text } : {}),
          ...(rules ? { rules } : {}),
        };
        const blocks = new BlockList();
        for (const range of sourceIp ?? []) blocks.addSubnet(range.network, range.prefix, range.family);
        const ip = parsed.sourceIPAddress ?? "";
        const matches =
          (!principal || principal.matches(principalArn(parsed)) || principal.matches(issuerArn(parsed))) &&
          (!userAgent || userAgent.matches(parsed.userAgent)) &&
          (!invokedBy || invokedBy.matches(parsed.userIdentity.invokedBy)) &&
          (!sourceIp || (isIP(ip) !== 0 && blocks.check(ip, isIP(ip) === 4 ? "ipv4" : "ipv6"))) &&
          (!expiry || expiry.active);

        const result = await evaluate(parsed, [entry]);

        for (const finding of baseline.findings) {
          const silenced = matches && (!rules || rules.includes(finding.ruleId));
          expect(result.ignored.some((f) => f.id === finding.id), `${finding.ruleId} silenced by ${JSON.stringify(entry)}`).toBe(silenced);
          expect(result.findings.some((f) => f.id === finding.id), `${finding.ruleId} reported despite ${JSON.stringify(entry)}`).toBe(!silenced);
        }
      }),
      { numRuns: 400 },
    );
  });

  it("a finding's silenceWith, added to the configuration, silences that rule's findings on the event and nothing else", async () => {
    await fc.assert(
      fc.asyncProperty(event, async ({ parsed }) => {
        const baseline = await evaluate(parsed);
        const anonymous = identifiedCaller(parsed) === undefined && issuerArn(parsed) === undefined;
        for (const finding of baseline.findings) {
          expect(finding.silenceWith === undefined, `suggestion for ${principalArn(parsed)}`).toBe(anonymous);
          if (!finding.silenceWith) continue;
          expect(expiredEntries(resolveConfig({ ignore: [finding.silenceWith] }, catalogue), FIXED_NOW)).toEqual([]);

          const result = await evaluate(parsed, [finding.silenceWith]);

          expect(result.ignored.map((f) => f.id)).toContain(finding.id);
          expect(result.findings.map((f) => f.id)).not.toContain(finding.id);
          const others = baseline.findings.filter((f) => f.ruleId !== finding.ruleId).map((f) => f.id);
          expect(result.findings.map((f) => f.id).filter((id) => others.includes(id))).toEqual(others);
        }
      }),
      { numRuns: 200 },
    );
  });
});

import { catalogue, InvalidInputError, parseEvent } from "@vigil/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { evaluateValue } from "../../../helpers/evaluate.ts";
import { loadFixture, ruleFixtures } from "../../../helpers/fixtures.ts";

/** Every positive fixture's records, as plain records. */
const records: Record<string, unknown>[] = catalogue.flatMap((rule) =>
  ruleFixtures(rule.meta.id).positive.flatMap((file) => {
    const value = loadFixture<Record<string, unknown>>(file);
    if (Array.isArray(value.Records)) return value.Records as Record<string, unknown>[];
    if (value.detail) return [value.detail as Record<string, unknown>];
    return [value];
  }),
);

/** Replaces the value at a random path of a record with a random JSON value (or deletes it). */
function mutate(record: Record<string, unknown>, pathSeed: number[], replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(record);
  let node: Record<string, unknown> = copy;
  for (const [depth, seed] of pathSeed.entries()) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[seed % keys.length] as string;
    const child = node[key];
    if (depth === pathSeed.length - 1 || child === null || typeof child !== "object") {
      if (replacement === undefined) delete node[key];
      else node[key] = replacement;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return copy;
}

describe("Properties: engine over mutated real-shaped events", () => {
  it("never throws out of the engine and no rule fails, whatever a field is replaced with", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...records),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string()),
        async (record, path, replacement) => {
          const mutated = mutate(record, path, replacement);
          try {
            parseEvent(mutated);
          } catch (error) {
            expect(error).toBeInstanceOf(InvalidInputError);
            return;
          }
          // evaluateValue rethrows the first rule failure, so a rule that reads a field unsafely fails here.
          await evaluateValue(mutated);
        },
      ),
      { numRuns: 500 },
    );
  });
});
